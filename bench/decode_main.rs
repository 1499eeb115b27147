// The decode benchmark program, written into target/bench/work/decode by bench/bench.py
// (which replaces the CASES and ROUNDS markers): every documentation example decoded by
// the client's decode path, by plain `serde_json::from_slice` into the same types, and by
// progenitor's types, in interleaved rounds. With `DECODE_ONLY` set it decodes, instead,
// the examples of one API (`DECODE_API`) that progenitor's types decode too, `PASSES` times
// with one variant (`ours`, `plain`, `progenitor`; `none` decodes nothing after choosing
// the examples), for counting instructions under valgrind (`bench.py --instructions`).

use std::hint::black_box;
use std::time::Instant;

type Decode = fn(&[u8]) -> Result<(), String>;

struct Case {
    api: &'static str,
    name: &'static str,
    bytes: &'static [u8],
    ours: Decode,
    plain: Decode,
    progenitor: Option<Decode>,
}

const ROUNDS: usize = /*ROUNDS*/;

/// Seconds to decode every case of `set` `reps` times with `pick`.
fn time(set: &[&Case], reps: usize, pick: fn(&Case) -> Decode) -> f64 {
    let start = Instant::now();
    for _ in 0..reps {
        for case in set {
            let _ = black_box(pick(case)(black_box(case.bytes)));
        }
    }
    start.elapsed().as_secs_f64()
}

fn spread(values: &[f64]) -> String {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!("{:.1} / {:.1} / {:.1}", v[0], v[v.len() / 2], v[v.len() - 1])
}

fn spread3(values: &[f64]) -> String {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!("{:.3} / {:.3} / {:.3}", v[0], v[v.len() / 2], v[v.len() - 1])
}

/// Interleaved rounds of the variants over `set`; prints MB/s of each and the ratios of
/// the first variant's time to the others'.
fn compare(label: &str, set: &[&Case], variants: &[(&str, fn(&Case) -> Decode)]) {
    let bytes: usize = set.iter().map(|c| c.bytes.len()).sum();
    // Repetitions for a round of about 100 ms per variant.
    let once = time(set, 1, variants[0].1).max(1e-7);
    let reps = ((0.1 / once) as usize).max(1);
    let mut seconds = vec![Vec::new(); variants.len()];
    for (_, pick) in variants {
        time(set, reps, *pick);
    }
    for _ in 0..ROUNDS {
        for (i, (_, pick)) in variants.iter().enumerate() {
            seconds[i].push(time(set, reps, *pick));
        }
    }
    println!("{label}: {} examples, {bytes} bytes, {reps} repetitions a round, {ROUNDS} rounds (min / median / max)", set.len());
    for (i, (name, _)) in variants.iter().enumerate() {
        let mbs: Vec<f64> = seconds[i].iter().map(|s| (bytes * reps) as f64 / s / 1e6).collect();
        let mut line = format!("  {name:<34} {} MB/s", spread(&mbs));
        if i > 0 {
            let ratios: Vec<f64> = seconds[0].iter().zip(&seconds[i]).map(|(a, b)| a / b).collect();
            line.push_str(&format!("   time {} / {name}: {}", variants[0].0, spread3(&ratios)));
        }
        println!("{line}");
    }
}

const PASSES: usize = 20;

/// `DECODE_ONLY`: one variant over one API's examples, nothing else (see the top).
fn only(cases: &[Case], variant: &str) {
    let api = std::env::var("DECODE_API").unwrap_or_default();
    let both: Vec<&Case> = cases
        .iter()
        .filter(|c| c.api == api && (c.ours)(c.bytes).is_ok() && c.progenitor.is_some_and(|p| p(c.bytes).is_ok()))
        .collect();
    let pick: Option<fn(&Case) -> Decode> = match variant {
        "ours" => Some(|c| c.ours),
        "plain" => Some(|c| c.plain),
        "progenitor" => Some(|c| c.progenitor.unwrap()),
        "none" => None,
        other => panic!("DECODE_ONLY={other}: ours, plain, progenitor or none"),
    };
    if let Some(pick) = pick {
        time(&both, PASSES, pick);
    }
    println!("{} examples", both.len());
}

fn main() {
    let cases: Vec<Case> = vec![
/*CASES*/
    ];
    if let Ok(variant) = std::env::var("DECODE_ONLY") {
        return only(&cases, &variant);
    }
    let mut apis: Vec<&str> = cases.iter().map(|c| c.api).collect();
    apis.dedup();
    for api in apis {
        let of_api: Vec<&Case> = cases.iter().filter(|c| c.api == api).collect();
        let mut ok = Vec::new();
        let mut both = Vec::new();
        for case in &of_api {
            match ((case.ours)(case.bytes), (case.plain)(case.bytes)) {
                (Ok(()), Ok(())) => ok.push(*case),
                (ours, plain) => eprintln!("{api}/{}: ours {ours:?}, plain {plain:?} (left out)", case.name),
            }
            match case.progenitor.map(|p| p(case.bytes)) {
                Some(Ok(())) if ok.last().is_some_and(|c| c.name == case.name) => both.push(*case),
                Some(Err(e)) => eprintln!("{api}/{}: progenitor's type refuses it ({e}); left out of the comparison with progenitor", case.name),
                None => eprintln!("{api}/{}: no progenitor type of that name; left out of the comparison with progenitor", case.name),
                _ => {}
            }
        }
        println!("{api}: {} examples, {} decode with ours, {} with progenitor's types too", of_api.len(), ok.len(), both.len());
        compare(&format!("{api}, all examples ours decode"), &ok, &[("ours (client decode)", |c| c.ours), ("plain from_slice, our types", |c| c.plain)]);
        if !both.is_empty() {
            compare(
                &format!("{api}, examples progenitor's types decode too"),
                &both,
                &[("ours (client decode)", |c| c.ours), ("plain from_slice, our types", |c| c.plain), ("progenitor's types", |c| c.progenitor.unwrap())],
            );
        }
    }
}
