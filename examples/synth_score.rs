//! Scores extraction against the generator's truth over generated articles:
//! `cargo run --release --example synth_score [N]` prints the most frequent differences and
//! people / organization / attribution precision, recall and F1.
use std::collections::HashSet;
fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let (mut pt, mut pp, mut pg, mut ot, mut op, mut og, mut qt, mut qp, mut qg) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0);
    let mut miss: std::collections::HashMap<String, usize> = Default::default();
    for i in 0..n {
        let g = news_archive::synth::generate(1, i);
        let a = news_archive::ingest::parse_print(&g.text).expect("parses");
        let x = news_archive::ingest::extract(&a);
        let gold_p: HashSet<String> = g.people.iter().cloned().collect();
        let pred_p: HashSet<String> = x.people.iter().map(|p| p.name.clone()).collect();
        pt += gold_p.intersection(&pred_p).count();
        pp += pred_p.len();
        pg += gold_p.len();
        for p in pred_p.difference(&gold_p) {
            *miss.entry(format!("extra person: {p}")).or_insert(0) += 1;
        }
        let gold_o: HashSet<String> = g.organizations.iter().cloned().collect();
        let pred_o: HashSet<String> = x.organizations.iter().map(|o| o.name.clone()).collect();
        ot += gold_o.intersection(&pred_o).count();
        op += pred_o.len();
        og += gold_o.len();
        for o in pred_o.difference(&gold_o) {
            *miss.entry(format!("extra org: {o}")).or_insert(0) += 1;
        }
        for o in gold_o.difference(&pred_o) {
            *miss.entry(format!("missed org: {o}")).or_insert(0) += 1;
        }
        let speaker = |q: &news_archive::domain::Quote| match &q.speaker {
            news_archive::domain::Speaker::Person(i) => x.people[*i].name.clone(),
            news_archive::domain::Speaker::Organization(i) => x.organizations[*i].name.clone(),
            news_archive::domain::Speaker::Unnamed(d) => d.to_lowercase(),
        };
        let norm = |t: &str| t.trim_end_matches([',', '.']).to_owned();
        let gold_q: HashSet<(String, String)> = g
            .quotes
            .iter()
            .map(|q| {
                (
                    norm(&q.text),
                    q.speaker
                        .clone()
                        .or(q.speaker_description.clone().map(|d| d.to_lowercase()))
                        .unwrap_or_default(),
                )
            })
            .collect();
        let pred_q: HashSet<(String, String)> = x
            .quotes
            .iter()
            .map(|q| (norm(&q.text), speaker(q)))
            .collect();
        qt += gold_q.intersection(&pred_q).count();
        qp += pred_q.len();
        qg += gold_q.len();
        if i < 2 {
            for q in gold_q.difference(&pred_q) {
                eprintln!("missed quote: {q:?}");
            }
            for q in pred_q.difference(&gold_q) {
                eprintln!("extra quote: {q:?}");
            }
        }
    }
    let mut v: Vec<_> = miss.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (k, c) in v.iter().take(25) {
        eprintln!("{c:4} {k}");
    }
    let f = |t: usize, p: usize, g: usize| {
        let pr = t as f64 / p.max(1) as f64;
        let r = t as f64 / g.max(1) as f64;
        (pr, r, 2.0 * pr * r / (pr + r).max(1e-9))
    };
    println!("people P/R/F1 {:.3?}", f(pt, pp, pg));
    println!("organizations P/R/F1 {:.3?}", f(ot, op, og));
    println!("attribution P/R/F1 {:.3?}", f(qt, qp, qg));
}
