//! The fuzz targets, in one place for both their drivers: the cargo-fuzz crate
//! (`fuzz/`, libFuzzer on nightly) and the bounded run in CI (`xtask/tests/fuzz.rs`, a
//! seeded mutator on stable). Also what both start from: seed inputs cut from the
//! committed snapshots, and that mutator.
//!
//! Each target takes any bytes and must return, whatever they are; a panic is a bug.
//! What a target checks besides "no panic" is said on it.

use std::path::Path;

use crate::pipeline;
use crate::readers;

/// A fuzz target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Blueprint-style reader (Wealthbox's pages).
    Blueprint,
    /// The OpenAPI-text reader (ActiveCampaign's pages).
    OpenapiText,
    /// The Redoc-text reader (Nimble's pages).
    RedocText,
    /// Document text to generated files: reader, overlay, normalization, validation,
    /// emitter (see [`pipeline`](fn@pipeline) for the input's layout).
    Pipeline,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 4] = [Target::Blueprint, Target::OpenapiText, Target::RedocText, Target::Pipeline];

    /// Its name (the cargo-fuzz target's).
    pub fn name(self) -> &'static str {
        match self {
            Target::Blueprint => "blueprint",
            Target::OpenapiText => "openapi_text",
            Target::RedocText => "redoc_text",
            Target::Pipeline => "pipeline",
        }
    }

    /// Runs the target on one input.
    pub fn run(self, data: &[u8]) {
        match self {
            Target::Blueprint => blueprint(data),
            Target::OpenapiText => openapi_text(data),
            Target::RedocText => redoc_text(data),
            Target::Pipeline => pipeline(data),
        }
    }

    /// Bytes at the start of an input that select what the rest is read as (the
    /// mutator leaves them alone).
    pub fn header_len(self) -> usize {
        usize::from(self == Target::Pipeline)
    }
}

/// Input bytes as text: invalid UTF-8 becomes U+FFFD, so every input reaches the reader.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The Blueprint reader: `Ok` or a clean error.
pub fn blueprint(data: &[u8]) {
    let _ = readers::blueprint::read(&text(data), "fuzz", "specs/fuzz/snapshot.txt");
}

/// The OpenAPI-text reader: `Ok` or a clean error.
pub fn openapi_text(data: &[u8]) {
    let _ = readers::openapi_text::read(&text(data), "fuzz", "specs/fuzz/snapshot.txt");
}

/// The Redoc-text reader: `Ok` or a clean error.
pub fn redoc_text(data: &[u8]) {
    let _ = readers::redoc_text::read(&text(data), "fuzz", "specs/fuzz/snapshot.txt");
}

/// The committed APIs: name, reader, and real overlay.
pub const APIS: [(&str, &str, &str); 3] = [
    ("activecampaign", "openapi_text", include_str!("../../specs/activecampaign/overlay.yaml")),
    ("nimble", "redoc_text", include_str!("../../specs/nimble/overlay.yaml")),
    ("wealthbox", "blueprint", include_str!("../../specs/wealthbox/overlay.yaml")),
];

/// The first byte of a pipeline input: which API's reader and overlay read the rest.
/// `selector % 3` picks the API ([`APIS`]); `selector / 3 % 2 == 1` uses a bare overlay
/// (name, title and reader only) in place of the real one, so that parts of a document,
/// which the real overlay's entries do not find, still reach the emitter. Seeds use the
/// digits: `0`, `1`, `2` with the real overlays, `3`, `4`, `5` with the bare ones.
pub fn selector(api: usize, bare: bool) -> u8 {
    b'0' + api as u8 + if bare { 3 } else { 0 }
}

/// Document text to generated files. The first byte selects the API and overlay (see
/// [`selector`]), the rest is the snapshot. Besides "no panic": a spec that the pipeline
/// accepts generates (validation and the emitter agree: the emitter refuses emitted
/// tokens that do not parse, and Rust names that clash), its generated paths are
/// relative, `/`-separated and unique (also ignoring case), its Rust files pass
/// `codegen::emit::check_rust_file`, and its spec file reads back as the same spec.
pub fn pipeline(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let (api, reader, real_overlay) = APIS[usize::from(selector % 3)];
    let bare_overlay;
    let overlay = if selector / 3 % 2 == 1 {
        bare_overlay = format!("api:\n  name: {api}\n  title: {api}\n  reader: {reader}\n");
        bare_overlay.as_str()
    } else {
        real_overlay
    };
    let Ok(spec) = pipeline::build_spec_from(api, &text(rest), overlay) else { return };
    let files = match pipeline::generate_files(&spec) {
        Ok(files) => files,
        Err(e) => panic!("a spec the pipeline accepted does not generate: {e}"),
    };
    let mut paths = std::collections::BTreeSet::new();
    for f in &files {
        let safe = f.path.split('/').all(|part| {
            !part.is_empty()
                && part != ".."
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        });
        assert!(safe, "generated path `{}` is not a plain relative path", f.path);
        assert!(paths.insert(f.path.to_ascii_lowercase()), "two generated files at `{}`", f.path);
        if f.path.ends_with(".rs") {
            if let Err(e) = codegen::emit::check_rust_file(&f.contents) {
                panic!("generated file `{}` {e}", f.path);
            }
        }
    }
    let spec_file = files.iter().find(|f| f.path == pipeline::spec_path(api)).expect("the spec file is generated");
    match pipeline::parse_spec(&spec_file.contents, &spec_file.path) {
        Ok(read_back) => assert!(read_back == spec, "{}: reads back as another spec", spec_file.path),
        Err(e) => panic!("the spec file written does not read back: {e}"),
    }
}

/// A seed input of a target.
pub struct Seed {
    /// The target it is for.
    pub target: Target,
    /// A file name for it: `<api>-<part>`.
    pub name: String,
    /// The input.
    pub data: Vec<u8>,
}

/// Lines per part when a snapshot is cut into parts.
const PART_LINES: usize = 300;

/// Seed inputs from the committed snapshots under `root`: for each API's reader, the
/// whole snapshot and its parts (see [`parts`]); for the pipeline, the whole snapshot
/// with the real overlay and the parts with the bare one.
pub fn seeds(root: &Path) -> std::io::Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    for (i, (api, reader, _)) in APIS.iter().enumerate() {
        let snapshot = std::fs::read_to_string(root.join(format!("specs/{api}/snapshot.txt")))?;
        let target = match *reader {
            "blueprint" => Target::Blueprint,
            "openapi_text" => Target::OpenapiText,
            _ => Target::RedocText,
        };
        let with = |selector: u8, text: &str| [&[selector][..], text.as_bytes()].concat();
        seeds.push(Seed { target, name: format!("{api}-whole"), data: snapshot.as_bytes().to_vec() });
        seeds.push(Seed {
            target: Target::Pipeline,
            name: format!("{api}-whole"),
            data: with(selector(i, false), &snapshot),
        });
        for (n, part) in parts(&snapshot).iter().enumerate() {
            seeds.push(Seed { target, name: format!("{api}-{n:03}"), data: part.as_bytes().to_vec() });
            seeds.push(Seed {
                target: Target::Pipeline,
                name: format!("{api}-{n:03}"),
                data: with(selector(i, true), part),
            });
        }
    }
    Ok(seeds)
}

/// The snapshot cut into parts of about [`PART_LINES`] lines: at the first blank line
/// after that many lines, or, in a document with few blank lines, 100 lines later.
fn parts(snapshot: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut lines = 0;
    for line in snapshot.split_inclusive('\n') {
        current.push_str(line);
        lines += 1;
        if (lines >= PART_LINES && line.trim().is_empty()) || lines >= PART_LINES + 100 {
            parts.push(std::mem::take(&mut current));
            lines = 0;
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Strings that readers and the name rules have tripped on, or might: characters
/// outside ASCII at the start of a name, the readers' own delimiters and keywords,
/// Rust keywords and reserved names, a very long line. Also libFuzzer's dictionary
/// ([`dictionary`]).
pub const HOSTILE: &[&str] = &[
    "²",
    "\u{10E6B}",
    "İ",
    "ß",
    "\u{301}",
    "\u{feff}",
    "\u{202e}",
    "\0",
    "\r",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "|",
    "\"",
    "- ",
    "{- \"",
    "}{- \"a\": 1}",
    "| ",
    " |",
    "| ²filters | query | required | string | x |",
    "| ²filters required | string |",
    "\"²custom_fields\": 1, ",
    "²custom_fields",
    "GET",
    "POST /v1/²{id}",
    "GET /x/{",
    "Response  200",
    "Response  2²",
    "Request",
    "Body",
    "Parameters",
    "Request Attributes",
    "Response Attributes",
    "Hide child attributesShow child attributes",
    "string, required",
    "Array (²Contact)",
    "Array (Self)",
    "Choices: a b ²",
    "Default: ",
    "Enum: \"²\" \"a\" \"A\"",
    "(Contacts.²Type)",
    "Array of ",
    "or null",
    "type",
    "self",
    "Self",
    "crate",
    "con",
    "String",
    "request",
    "new",
    "Undocumented",
    "property1",
    "application/json",
    "Object",
    "200",
];

/// [`HOSTILE`] as a libFuzzer dictionary (`-dict=FILE`): one quoted string a line, bytes
/// outside printable ASCII as `\xNN`.
pub fn dictionary() -> String {
    let mut out = String::from("# xtask::fuzz::HOSTILE, written by `cargo run -p xtask --example fuzz_seeds`.\n");
    for s in HOSTILE {
        let escaped: String = s
            .bytes()
            .map(|b| match b {
                b'"' | b'\\' => format!("\\x{b:02X}"),
                0x20..=0x7e => char::from(b).to_string(),
                _ => format!("\\x{b:02X}"),
            })
            .collect();
        out.push_str(&format!("\"{escaped}\"\n"));
    }
    out
}

/// A deterministic mutator (splitmix64), for the bounded runs on stable: byte flips,
/// insertions of [`HOSTILE`] strings (anywhere, or as a line of their own), very long
/// lines, duplicated, deleted and swapped lines, truncation.
pub struct Mutator {
    state: u64,
}

impl Mutator {
    /// A mutator whose choices follow from `seed`.
    pub fn new(seed: u64) -> Mutator {
        Mutator { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// `input` with one to four mutations.
    pub fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        let mut data = input.to_vec();
        for _ in 0..1 + self.below(4) {
            self.mutate_once(&mut data);
        }
        data
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>) {
        let at = self.below(data.len() + 1);
        match self.below(9) {
            0 if !data.is_empty() => {
                let i = self.below(data.len());
                data[i] ^= 1 << self.below(8);
            }
            1 | 2 => {
                let s = HOSTILE[self.below(HOSTILE.len())];
                data.splice(at..at, s.bytes());
            }
            3 => {
                // A hostile string as a line of its own, or at a line's start.
                let start = line_start(data, at);
                let s = HOSTILE[self.below(HOSTILE.len())];
                let line = if self.below(2) == 0 { format!("{s}\n") } else { s.to_string() };
                data.splice(start..start, line.bytes());
            }
            4 => {
                let s = HOSTILE[self.below(HOSTILE.len())];
                let long = s.repeat(1 + self.below(20_000 / s.len().max(1)));
                data.splice(at..at, long.bytes());
            }
            5 | 6 => {
                // Duplicate, delete or swap whole lines.
                let lines: Vec<(usize, usize)> = line_spans(data);
                if lines.is_empty() {
                    return;
                }
                let (a, b) = lines[self.below(lines.len())];
                match self.below(3) {
                    0 => {
                        let line = data[a..b].to_vec();
                        data.splice(a..a, line);
                    }
                    1 => {
                        data.drain(a..b);
                    }
                    _ => {
                        let (c, d) = lines[self.below(lines.len())];
                        if b <= c {
                            let (first, second) = (data[a..b].to_vec(), data[c..d].to_vec());
                            data.splice(c..d, first);
                            data.splice(a..b, second);
                        }
                    }
                }
            }
            7 => data.truncate(at),
            _ => {
                // Copy a span over another place (repeats the document's own structure).
                let from = self.below(data.len() + 1);
                let len = self.below(400).min(data.len() - from);
                let span = data[from..from + len].to_vec();
                data.splice(at..at, span);
            }
        }
    }
}

fn line_start(data: &[u8], at: usize) -> usize {
    data[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

/// Byte spans of the lines, each with its newline.
fn line_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < data.len() {
        spans.push((start, data.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mutator_is_deterministic_and_changes_its_input() {
        let input = b"line one\nline two\n| a | query | required | string | x |\n".to_vec();
        let a: Vec<Vec<u8>> = (0..50).scan(Mutator::new(7), |m, _| Some(m.mutate(&input))).collect();
        let b: Vec<Vec<u8>> = (0..50).scan(Mutator::new(7), |m, _| Some(m.mutate(&input))).collect();
        assert_eq!(a, b);
        assert!(a.iter().filter(|m| **m != input).count() > 40);
    }

    #[test]
    fn parts_cover_the_snapshot() {
        let text: String = (0..400).map(|i| if i % 7 == 0 { "\n".to_string() } else { format!("{i}\n") }).collect();
        let cut = parts(&text);
        assert!(cut.len() >= 2);
        assert!(cut[..cut.len() - 1].iter().all(|p| p.ends_with("\n\n")));
        assert_eq!(cut.concat(), text);
        // Without blank lines, parts are cut all the same.
        let text: String = (0..1000).map(|i| format!("{i}\n")).collect();
        assert_eq!(parts(&text).len(), 3);
        assert_eq!(parts(&text).concat(), text);
    }
}
