//! Headless Chromium driven over the DevTools protocol (a websocket, so no driver
//! process and no extra crate): start it, open a page, evaluate JavaScript, take a
//! screenshot. Other hosts than 127.0.0.1 do not resolve, so a page that needs the
//! network fails.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The Chromium binary, if installed.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .filter_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        })
        .next()
}

/// Whether browser tests must run (`BROWSER_TESTS=required`, as in CI) rather than be
/// skipped when Chromium is missing.
pub fn required() -> bool {
    std::env::var("BROWSER_TESTS").is_ok_and(|v| v == "required")
}

/// A running headless Chromium, killed on drop.
pub struct Browser {
    child: Child,
    port: u16,
    _profile: TempDir,
}

/// A page (tab) of the browser.
pub struct Page {
    socket: Socket,
    next_id: u64,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    /// Starts Chromium; waits for its DevTools endpoint.
    pub fn start(binary: &std::path::Path) -> Self {
        let profile = std::env::temp_dir().join(format!(
            "na-chromium-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let mut child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--window-size=1400,900",
                // Any host but ours is unknown: the page must need no network.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium prints its endpoint once it listens: "DevTools listening on ws://...".
        let stderr = child.stderr.take().expect("stderr piped");
        let mut lines = BufReader::new(stderr).lines();
        let port = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => {
                    let _ = child.kill();
                    panic!("chromium exited before listening for DevTools");
                }
            };
            if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                break rest
                    .split('/')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("a DevTools port");
            }
        };
        // Keep draining stderr so Chromium never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            port,
            _profile: TempDir(profile),
        }
    }

    /// Opens a new tab on `url` and waits for its `load` event.
    pub async fn open(&self, url: &str) -> Page {
        let target: Value = reqwest::Client::new()
            .put(format!(
                "http://127.0.0.1:{}/json/new?about:blank",
                self.port
            ))
            .send()
            .await
            .expect("DevTools answers")
            .json()
            .await
            .expect("a target");
        let ws = target["webSocketDebuggerUrl"]
            .as_str()
            .expect("a debugger URL");
        let (socket, _) = tokio_tungstenite::connect_async(ws)
            .await
            .expect("page socket");
        let mut page = Page { socket, next_id: 0 };
        page.call("Page.enable", json!({})).await;
        page.call("Page.navigate", json!({ "url": url })).await;
        page.event("Page.loadEventFired").await;
        page
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Page {
    /// Sends a DevTools command and returns its result (events in between are ignored).
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("command sent");
        loop {
            let Some(Ok(Message::Text(text))) = self.socket.next().await else {
                panic!("DevTools socket closed during {method}");
            };
            let answer: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if answer["id"] == json!(id) {
                if let Some(error) = answer.get("error") {
                    panic!("{method}: {error}");
                }
                return answer["result"].clone();
            }
        }
    }

    /// Waits for the next event named `method`.
    async fn event(&mut self, method: &str) {
        loop {
            let Some(Ok(Message::Text(text))) = self.socket.next().await else {
                panic!("DevTools socket closed while waiting for {method}");
            };
            let event: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if event["method"] == method {
                return;
            }
        }
    }

    /// Evaluates an expression in the page, awaiting it if it is a promise; returns its
    /// value (as JSON). A thrown error fails the test with its message.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("JavaScript failed: {exception:#}");
        }
        result["result"]["value"].clone()
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&mut self) -> Vec<u8> {
        use base64::Engine as _;
        let result = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(result["data"].as_str().expect("image data"))
            .expect("base64 image")
    }
}
