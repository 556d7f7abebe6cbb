//! Bundles the GraphiQL page in `ui/` (our package.json and lockfile; GraphiQL, React
//! and graphql-ws come from the npm registry, never from the repository) and embeds the
//! result: runs `npm ci && npm run build` in `ui/` when `ui/dist` is missing or older
//! than its inputs, then writes `$OUT_DIR/ui_assets.rs` listing every file of the bundle
//! with `include_bytes!`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// What the bundle is built from; a change to any of them rebuilds it.
const INPUTS: &[&str] = &["package.json", "package-lock.json", "build.mjs", "src"];

fn main() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    for input in INPUTS {
        println!("cargo:rerun-if-changed=ui/{input}");
    }
    println!("cargo:rerun-if-changed=ui/dist/index.html");
    // `embed_migrations!` reads `migrations/` at compile time but cannot tell cargo that a
    // new migration folder appeared; with the lines above cargo would otherwise keep the
    // old list. A change under `migrations/` reruns this script, and so recompiles.
    println!("cargo:rerun-if-changed=migrations");
    let dist = ui.join("dist");
    let fingerprint = fingerprint(&ui);
    let stamp = dist.join(".inputs");
    let fresh = dist.join("index.html").is_file()
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s == fingerprint);
    if !fresh {
        build(&ui);
        if let Err(e) = std::fs::write(&stamp, &fingerprint) {
            panic!("cannot write {}: {e}", stamp.display());
        }
    }
    embed(&dist);
}

/// SHA-256 over the inputs' paths and contents.
fn fingerprint(ui: &Path) -> String {
    let mut files = Vec::new();
    for input in INPUTS {
        collect(&ui.join(input), &mut files);
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(
            file.strip_prefix(ui)
                .unwrap_or(&file)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update([0]);
        hasher.update(std::fs::read(&file).unwrap_or_default());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), out);
        }
    } else if path.is_file() {
        out.push(path.to_owned());
    }
}

fn build(ui: &Path) {
    const COMMAND: &str = "cd ui && npm ci && npm run build";
    let npm = std::env::var("NPM").unwrap_or_else(|_| "npm".into());
    for args in [
        &["ci", "--no-audit", "--no-fund"][..],
        &["run", "build"][..],
    ] {
        let status = Command::new(&npm).args(args).current_dir(ui).status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => panic!(
                "\n\nbuilding the GraphiQL page failed: `npm {}` in ui/ exited with {s}.\n\
                 Run `{COMMAND}` to see why (it needs the npm registry).\n",
                args.join(" ")
            ),
            Err(e) => panic!(
                "\n\nbuilding the GraphiQL page needs npm (Node.js 18 or later), which could \
                 not be run ({npm}: {e}).\nInstall Node.js and npm, then run `cargo build` \
                 again, or build the page yourself with `{COMMAND}`.\n"
            ),
        }
    }
}

/// Writes `ui_assets.rs`: the page and every hashed asset, embedded.
fn embed(dist: &Path) {
    let mut assets = Vec::new();
    collect(dist, &mut assets);
    assets.sort();
    let mut code = String::from("/// Every file of the bundle but the page: (name, bytes).\n");
    code.push_str("pub const ASSETS: &[(&str, &[u8])] = &[\n");
    for path in &assets {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "index.html" || name.starts_with('.') {
            continue;
        }
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n\n/// The page, referencing the assets under `/assets/`.\n");
    code.push_str(&format!(
        "pub const INDEX_HTML: &str = include_str!({:?});\n",
        dist.join("index.html").display().to_string()
    ));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("ui_assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
