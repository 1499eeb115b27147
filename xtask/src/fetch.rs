//! `cargo xtask fetch`: downloads an API's documentation pages (the overlay's `pages`
//! entries, or `--from` URLs or files), reads them with the page reader of their style,
//! and stores under `specs/<api>/` the pages, the text the API's text reader takes
//! (`snapshot.txt`) and the definition they carry (`definition.json`, or the committed
//! `definition.yaml` rewritten), with `provenance.yaml`. Nothing is written unless every
//! page was fetched and read, and the new text reads with the API's reader; then each
//! file goes through a temporary file and a rename. `--check` writes nothing and exits
//! non-zero when what the project reads from the pages changed.
//!
//! HTTP is bounded: a timeout over the whole exchange, at most a few redirects, a cap on
//! the body's size, and only 2xx HTML answers for pages. No credentials are sent.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::pages::{self, DefinitionFound, PageError, Reading};
use crate::pipeline::write_atomically;
use crate::provenance::{self, Input};

/// Bounds on one download.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole exchange, redirects and body included.
    pub timeout: Duration,
    /// Redirects followed; one more is an error.
    pub max_redirects: u32,
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout: Duration::from_secs(60), max_redirects: 5, max_bytes: 20 * 1024 * 1024 }
    }
}

/// Pages larger than this are stored compressed (`page.html.gz`).
pub const COMPRESS_ABOVE: usize = 1024 * 1024;

const USER_AGENT: &str = concat!("crm-clients-xtask/", env!("CARGO_PKG_VERSION"), " (cargo xtask fetch)");

/// A failed fetch: each names the URL or file it is about, and nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// A local file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The overlay does not read.
    #[error(transparent)]
    Overlay(#[from] crate::overlay::OverlayError),
    /// The overlay's `pages` do not say what to fetch (none, or pages of several styles).
    #[error("{overlay}: {message}")]
    Pages {
        /// The overlay file.
        overlay: String,
        /// What is wrong.
        message: String,
    },
    /// A URL or file gave no document: a failed request, a non-2xx or non-HTML answer, a
    /// body over the limit, not UTF-8, not gzip.
    #[error("{origin}: {message}")]
    Download {
        /// The URL or file.
        origin: String,
        /// What went wrong.
        message: String,
    },
    /// A page was fetched but does not read in its style.
    #[error(transparent)]
    Page(#[from] PageError),
    /// A definition does not parse, or cannot be stored.
    #[error("{origin}: {message}")]
    Definition {
        /// Where it comes from, or the file it would be written to.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The pages' text does not read with the API's text reader.
    #[error("the text of {origins} does not read as a `{reader}` document: {source}")]
    Text {
        /// The pages, comma-separated.
        origins: String,
        /// The API's reader.
        reader: String,
        /// Why not.
        source: crate::readers::ReadError,
    },
    /// `provenance.yaml` does not read or render.
    #[error(transparent)]
    Provenance(#[from] provenance::ProvenanceError),
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] crate::Error),
}

impl FetchError {
    fn io(path: impl Into<String>, source: std::io::Error) -> FetchError {
        FetchError::Io { path: path.into(), source }
    }

    fn download(origin: &str, message: impl Into<String>) -> FetchError {
        FetchError::Download { origin: origin.to_string(), message: message.into() }
    }

    fn definition(origin: &str, message: impl Into<String>) -> FetchError {
        FetchError::Definition { origin: origin.to_string(), message: message.into() }
    }
}

/// What to fetch.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// URLs or files to read instead of the overlay's pages (in their style).
    pub from: Vec<String>,
    /// Compare with the committed inputs; write nothing.
    pub check: bool,
    /// Bounds on each download.
    pub limits: Limits,
}

/// What a fetch found.
#[derive(Debug)]
pub struct Outcome {
    /// The report, one line each.
    pub lines: Vec<String>,
    /// Whether an input `codegen` reads (`snapshot.txt`, the definition) changed.
    pub codegen_input_changed: bool,
    /// Files written (relative to the root).
    pub written: Vec<String>,
}

/// One file to store under `specs/<api>/`.
struct Output {
    file: String,
    bytes: Vec<u8>,
    source: String,
    /// Read by `codegen` (a change here changes what the next run sees).
    codegen_input: bool,
}

impl Output {
    /// What the file is, for its provenance entry.
    fn what(&self) -> String {
        match self.file.as_str() {
            "snapshot.txt" => "The text of the vendor's page, laid out as the API's reader takes it.".into(),
            f if f.starts_with("definition") => "The machine-readable definition the vendor's page carries.".into(),
            _ => "The vendor's documentation page, as fetched.".into(),
        }
    }
}

/// Fetches `api`'s pages under `root` (see the module docs).
pub fn run(root: &Path, api: &str, options: &Options) -> Result<Outcome, FetchError> {
    let dir = format!("specs/{api}");
    let overlay_file = format!("{dir}/overlay.yaml");
    let overlay_text =
        std::fs::read_to_string(root.join(&overlay_file)).map_err(|e| FetchError::io(&overlay_file, e))?;
    let overlay = crate::overlay::Overlay::parse(&overlay_text, &overlay_file)?;
    let style = match overlay.pages().first() {
        Some(first) => first.style,
        None => {
            return Err(FetchError::Pages {
                overlay: overlay_file,
                message: format!(
                    "lists no `pages` (url, style, cite): nothing says where {api}'s documentation is published"
                ),
            })
        }
    };
    if let Some(other) = overlay.pages().iter().find(|p| p.style != style) {
        return Err(FetchError::Pages {
            message: format!(
                "`pages` mixes styles ({} and {} for {}); one API's pages share one style",
                style.name(),
                other.style.name(),
                other.url
            ),
            overlay: overlay_file,
        });
    }
    let origins: Vec<String> = if options.from.is_empty() {
        overlay.pages().iter().map(|p| p.url.clone()).collect()
    } else {
        options.from.clone()
    };
    let command = match options.from.is_empty() {
        true => format!("cargo xtask fetch {api}"),
        false => format!("cargo xtask fetch {api} --from {}", options.from.join(" --from ")),
    };

    let agent = agent(&options.limits);
    let mut lines = Vec::new();
    let mut outputs = Vec::new();
    let mut definitions = Vec::new();
    let mut texts = Vec::new();
    for (i, origin) in origins.iter().enumerate() {
        let html = load_page(&agent, origin, &options.limits)?;
        let Reading { definition, text, notes } = pages::read(style, &html, origin)?;
        lines.extend(notes.into_iter().map(|n| format!("{origin}: {n}")));
        let file = page_file(i, origins.len(), html.len());
        outputs.push(Output { file, bytes: store_page(&html), source: origin.clone(), codegen_input: false });
        match definition {
            None => {}
            Some(DefinitionFound::Embedded { document, location }) => {
                definitions.push((origin.clone(), document, format!("embedded in {origin} ({location})")))
            }
            Some(DefinitionFound::FromMarkup(document)) => definitions.push((
                origin.clone(),
                document,
                format!("rebuilt from the markup of {origin} (it embeds no definition)"),
            )),
            Some(DefinitionFound::Linked(href)) => {
                let url = resolve(origin, &href);
                let text = load(&agent, &url, &options.limits, false)?;
                let document = parse_definition(&text, &url)?;
                pages::check_openapi(&document, &url, "the linked document")?;
                definitions.push((url.clone(), document, format!("{url} (the definition {origin} loads)")));
            }
        }
        if let Some(text) = text {
            texts.push(text);
        }
    }

    if !texts.is_empty() {
        let text = texts.join("\n");
        // A page of the wrong style gives text its reader cannot read at all: refuse it
        // before anything is written.
        crate::readers::read_snapshot(&overlay.reader, &text, api, &format!("{dir}/snapshot.txt")).map_err(
            |source| FetchError::Text { origins: origins.join(", "), reader: overlay.reader.clone(), source },
        )?;
        let source = format!("the text of {}, laid out by the `{}` page reader", origins.join(", "), style.name());
        outputs.push(Output { file: "snapshot.txt".into(), bytes: text.into_bytes(), source, codegen_input: true });
    }
    if !definitions.is_empty() {
        let sources: Vec<String> = definitions.iter().map(|(_, _, s)| s.clone()).collect();
        let (document, notes) = if definitions.len() == 1 {
            (definitions.remove(0).1, Vec::new())
        } else {
            let pairs: Vec<(String, Value)> = definitions.into_iter().map(|(o, d, _)| (o, d)).collect();
            let (merged, notes) = pages::merge_definitions(&pairs)?;
            lines.push(format!("{} definitions merged into one", pairs.len()));
            (merged, notes)
        };
        lines.extend(notes);
        lines.push(definition_summary(&document));
        outputs.push(definition_output(root, &dir, document, sources.join("; "))?);
    }

    report_and_write(root, api, &dir, outputs, &command, options.check, lines)
}

/// What a definition holds, in one line: what a text snapshot may lack.
fn definition_summary(document: &Value) -> String {
    const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let paths = document.get("paths").and_then(Value::as_object);
    let operations: Vec<&Value> = paths
        .into_iter()
        .flat_map(|p| p.values())
        .flat_map(|item| METHODS.iter().filter_map(move |m| item.get(*m)))
        .collect();
    let with_body = operations.iter().filter(|o| o.get("requestBody").is_some()).count();
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object).map_or(0, |s| s.len());
    format!(
        "the definition: {} operations on {} paths, each with its method and path; {with_body} with a request body; {schemas} schemas",
        operations.len(),
        paths.map_or(0, |p| p.len())
    )
}

/// The definition as a file: in the format of the committed one (`definition.yaml` stays
/// YAML), JSON otherwise; the committed bytes when the document is the same.
fn definition_output(root: &Path, dir: &str, document: Value, source: String) -> Result<Output, FetchError> {
    for file in ["definition.yaml", "definition.json"] {
        let Ok(committed) = std::fs::read_to_string(root.join(dir).join(file)) else { continue };
        let old = parse_definition(&committed, &format!("{dir}/{file}"));
        // A page that stopped embedding its definition gives fewer facts from its markup:
        // that is not a new version of the committed definition.
        let from_markup = |d: &Value| d.get(pages::MARKUP_KEY).is_some();
        if from_markup(&document) && old.as_ref().is_ok_and(|o| !from_markup(o)) {
            return Err(FetchError::definition(
                &format!("{dir}/{file}"),
                format!(
                    "not replaced by the definition {source}: the page no longer embeds its definition, \
                     and its markup shows less; nothing was written (fetch a page that embeds it, or remove the file to accept)"
                ),
            ));
        }
        let bytes = match old {
            Ok(old) if old == document => committed.into_bytes(),
            _ if file.ends_with(".yaml") => codegen::yaml::to_string(&document)
                .map_err(|e| {
                    FetchError::definition(
                        &format!("{dir}/{file}"),
                        format!("cannot write the definition as YAML: {e}"),
                    )
                })?
                .into_bytes(),
            _ => json_bytes(&document),
        };
        return Ok(Output { file: file.into(), bytes, source, codegen_input: true });
    }
    Ok(Output { file: "definition.json".into(), bytes: json_bytes(&document), source, codegen_input: true })
}

fn json_bytes(document: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(document).expect("a JSON value serializes");
    bytes.push(b'\n');
    bytes
}

/// A definition document, JSON or YAML.
pub fn parse_definition(text: &str, origin: &str) -> Result<Value, FetchError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| FetchError::definition(origin, format!("not valid JSON: {e}")))
    } else {
        codegen::yaml::from_str(text)
            .map_err(|e| FetchError::definition(origin, format!("not a valid YAML or JSON document: {e}")))
    }
}

/// `page.html` for one page, `page-N.html` for several; `.gz` when large.
fn page_file(index: usize, count: usize, size: usize) -> String {
    let stem = if count == 1 { "page".to_string() } else { format!("page-{}", index + 1) };
    if size > COMPRESS_ABOVE {
        format!("{stem}.html.gz")
    } else {
        format!("{stem}.html")
    }
}

fn store_page(html: &str) -> Vec<u8> {
    if html.len() > COMPRESS_ABOVE {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(html.as_bytes()).expect("writing to memory");
        encoder.finish().expect("writing to memory")
    } else {
        html.as_bytes().to_vec()
    }
}

/// A stored file's content as the project reads it (pages decompressed).
fn content(file: &str, bytes: &[u8]) -> Vec<u8> {
    if file.ends_with(".gz") {
        let mut out = Vec::new();
        if flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).is_ok() {
            return out;
        }
    }
    bytes.to_vec()
}

fn report_and_write(
    root: &Path,
    api: &str,
    dir: &str,
    outputs: Vec<Output>,
    command: &str,
    check: bool,
    mut lines: Vec<String>,
) -> Result<Outcome, FetchError> {
    let mut codegen_input_changed = false;
    let mut changed = Vec::new();
    for output in &outputs {
        let rel = format!("{dir}/{}", output.file);
        let old = std::fs::read(root.join(&rel)).ok();
        let new_sha = provenance::sha256_hex(&output.bytes);
        let same = old.as_ref().is_some_and(|o| content(&output.file, o) == content(&output.file, &output.bytes));
        let what = match &old {
            None => format!("{rel}: new, {} bytes, sha256 {}", output.bytes.len(), short(&new_sha)),
            Some(_) if same => format!("{rel}: unchanged ({} bytes)", output.bytes.len()),
            Some(old) => format!(
                "{rel}: changed, {} -> {} bytes, sha256 {} -> {}",
                old.len(),
                output.bytes.len(),
                short(&provenance::sha256_hex(old)),
                short(&new_sha)
            ),
        };
        lines.push(what);
        if !same {
            changed.push(output.file.clone());
            codegen_input_changed |= output.codegen_input;
        }
    }
    lines.push(if codegen_input_changed {
        format!("the next `cargo xtask codegen {api}` reads a different input; review it with `cargo xtask diff {api}`")
    } else {
        format!("the next `cargo xtask codegen {api}` reads the same inputs as before")
    });
    if check {
        return Ok(Outcome { lines, codegen_input_changed, written: Vec::new() });
    }

    // Everything was fetched and read: now write, each file whole or not at all.
    let mut provenance = provenance::read(root, api)?.unwrap_or_default();
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut written = Vec::new();
    for output in &outputs {
        let rel = format!("{dir}/{}", output.file);
        let entry_matches = provenance
            .inputs
            .iter()
            .any(|i| i.file == output.file && i.sha256 == provenance::sha256_hex(&output.bytes));
        if changed.contains(&output.file) {
            write_atomically(&root.join(&rel), &output.bytes)?;
            written.push(rel.clone());
        }
        if changed.contains(&output.file) || !entry_matches {
            provenance.inputs.retain(|i| i.file != output.file);
            provenance.inputs.push(Input {
                file: output.file.clone(),
                sha256: provenance::sha256_hex(&output.bytes),
                what: output.what(),
                source: output.source.clone(),
                repository: None,
                path: None,
                commit: None,
                url: output.source.starts_with("http").then(|| output.source.clone()),
                retrieved: Some(date.clone()),
                obtained: command.to_string(),
            });
        }
    }
    // A page stored under another name before (now compressed, or one page of several)
    // is replaced, not left beside the new one.
    let pages: Vec<&str> = outputs.iter().map(|o| o.file.as_str()).filter(|f| f.starts_with("page")).collect();
    for entry in std::fs::read_dir(root.join(dir)).map_err(|e| FetchError::io(dir, e))?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let is_page = name.starts_with("page") && (name.ends_with(".html") || name.ends_with(".html.gz"));
        if is_page && !pages.contains(&name.as_str()) {
            std::fs::remove_file(entry.path()).map_err(|e| FetchError::io(format!("{dir}/{name}"), e))?;
            provenance.inputs.retain(|i| i.file != name);
            written.push(format!("{dir}/{name} (removed)"));
        }
    }
    provenance.inputs.sort_by(|a, b| a.file.cmp(&b.file));
    let text = provenance::render(&provenance, api)?;
    let rel = provenance::path(api);
    if std::fs::read_to_string(root.join(&rel)).ok().as_deref() != Some(text.as_str()) {
        write_atomically(&root.join(&rel), text.as_bytes())?;
        written.push(rel);
    }
    Ok(Outcome { lines, codegen_input_changed, written })
}

fn short(sha: &str) -> &str {
    &sha[..12]
}

/// The HTTP agent: bounded in time and redirects; errors on statuses are ours to word.
fn agent(limits: &Limits) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .user_agent(USER_AGENT)
        .http_status_as_error(false)
        .build()
        .into()
}

fn is_url(origin: &str) -> bool {
    origin.starts_with("http://") || origin.starts_with("https://")
}

/// A page's HTML, from a URL or a file (`.gz` files decompressed).
fn load_page(agent: &ureq::Agent, origin: &str, limits: &Limits) -> Result<String, FetchError> {
    load(agent, origin, limits, true)
}

/// A document from a URL or a file, bounded by `limits`; from a URL, only a 2xx answer,
/// and only HTML when `html`.
fn load(agent: &ureq::Agent, origin: &str, limits: &Limits, html: bool) -> Result<String, FetchError> {
    if !is_url(origin) {
        let bytes = std::fs::read(origin).map_err(|e| FetchError::io(origin, e))?;
        if bytes.len() as u64 > limits.max_bytes && !origin.ends_with(".gz") {
            return Err(FetchError::download(origin, format!("larger than {} bytes; refused", limits.max_bytes)));
        }
        let bytes = if origin.ends_with(".gz") { decompress(&bytes, origin, limits)? } else { bytes };
        return String::from_utf8(bytes).map_err(|e| FetchError::download(origin, format!("not UTF-8 text: {e}")));
    }
    let fail = |what: String| FetchError::download(origin, what);
    let accept =
        if html { "text/html,application/xhtml+xml" } else { "application/json,application/yaml,text/yaml,*/*;q=0.5" };
    let mut response = agent.get(origin).header("Accept", accept).call().map_err(|e| match e {
        ureq::Error::TooManyRedirects => {
            fail(format!("more than {} redirects (a redirect loop?)", limits.max_redirects))
        }
        ureq::Error::Timeout(_) => fail(format!("no complete answer within {} s", limits.timeout.as_secs_f32())),
        other => fail(format!("the request failed: {other}")),
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(
            format!("the server answered {} {}", status.as_u16(), status.canonical_reason().unwrap_or(""))
                .trim_end()
                .to_string(),
        ));
    }
    let mime = response.body().mime_type().unwrap_or("").to_ascii_lowercase();
    if html && !matches!(mime.as_str(), "text/html" | "application/xhtml+xml") {
        let mime = if mime.is_empty() { "no content type".to_string() } else { format!("`{mime}`") };
        return Err(fail(format!("the answer is {mime}, not an HTML page")));
    }
    let bytes = response.body_mut().with_config().limit(limits.max_bytes).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => {
            fail(format!("the answer is larger than {} bytes; refused", limits.max_bytes))
        }
        ureq::Error::Timeout(_) => fail(format!("no complete answer within {} s", limits.timeout.as_secs_f32())),
        other => fail(format!("reading the answer failed: {other}")),
    })?;
    String::from_utf8(bytes).map_err(|e| fail(format!("the answer is not UTF-8 text: {e}")))
}

fn decompress(bytes: &[u8], origin: &str, limits: &Limits) -> Result<Vec<u8>, FetchError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(limits.max_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| FetchError::download(origin, format!("not a gzip file: {e}")))?;
    if out.len() as u64 > limits.max_bytes {
        return Err(FetchError::download(
            origin,
            format!("larger than {} bytes uncompressed; refused", limits.max_bytes),
        ));
    }
    Ok(out)
}

/// `href` resolved against `base` (a URL or a file path).
pub fn resolve(base: &str, href: &str) -> String {
    if is_url(href) {
        return href.to_string();
    }
    if !is_url(base) {
        let dir = Path::new(base).parent().unwrap_or(Path::new(""));
        return dir.join(href).to_string_lossy().to_string();
    }
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    if href.starts_with('/') {
        return format!("{}{href}", &base[..authority_end]);
    }
    let path = base[authority_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map(|i| &path[..=i]).unwrap_or("/");
    format!("{}{dir}{href}", &base[..authority_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_against_the_page() {
        assert_eq!(resolve("https://a.test/docs/index.html", "openapi.yaml"), "https://a.test/docs/openapi.yaml");
        assert_eq!(resolve("https://a.test/docs/", "/spec.json"), "https://a.test/spec.json");
        assert_eq!(resolve("https://a.test", "spec.json"), "https://a.test/spec.json");
        assert_eq!(resolve("https://a.test/x", "//b.test/s.json"), "https://b.test/s.json");
        assert_eq!(resolve("https://a.test/x", "https://c.test/s"), "https://c.test/s");
        assert_eq!(resolve("pages/index.html", "spec.yaml"), "pages/spec.yaml");
    }

    #[test]
    fn large_pages_are_stored_compressed() {
        assert_eq!(page_file(0, 1, 10), "page.html");
        assert_eq!(page_file(1, 2, COMPRESS_ABOVE + 1), "page-2.html.gz");
        let html = "x".repeat(COMPRESS_ABOVE + 1);
        let stored = store_page(&html);
        assert!(stored.len() < html.len());
        assert_eq!(content("page.html.gz", &stored), html.as_bytes());
    }
}
