//! `cargo xtask fetch` against a local HTTP server (a small `TcpListener` server in this
//! file; no test touches the network) and against files: what it stores, what it reports,
//! and that a bad page (404, redirect loop, 50 MB, not HTML, not the expected style,
//! a server that never answers) is an error naming the URL that writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use xtask::fetch::{self, FetchError, Limits, Options};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

// ---------------------------------------------------------------------------------------
// A local server: fixed answers by path, each connection on its own thread, at most 64
// connections, every socket with a timeout, so it ends by itself.

#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

#[derive(Clone)]
enum Body {
    Bytes(Vec<u8>),
    /// `n` bytes of HTML, written in chunks (a huge page).
    Huge(usize),
    /// Never answers (the client must give up).
    Hang,
}

fn html(body: &str) -> Answer {
    Answer {
        status: 200,
        headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
        body: Body::Bytes(body.as_bytes().to_vec()),
    }
}

type Routes = Arc<Mutex<BTreeMap<String, Answer>>>;

struct Server {
    base: String,
    routes: Routes,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Routes = Arc::default();
        let shared = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(64) {
                let Ok(mut stream) = stream else { continue };
                let routes = shared.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return;
                    }
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let answer = routes.lock().unwrap().get(&path).cloned().unwrap_or(Answer {
                        status: 404,
                        headers: vec![("Content-Type", "text/html".into())],
                        body: Body::Bytes(b"<h1>Not Found</h1>".to_vec()),
                    });
                    let length = match &answer.body {
                        Body::Bytes(b) => b.len(),
                        Body::Huge(n) => *n,
                        Body::Hang => {
                            std::thread::sleep(Duration::from_secs(3));
                            return;
                        }
                    };
                    let mut head =
                        format!("HTTP/1.1 {} X\r\nContent-Length: {length}\r\nConnection: close\r\n", answer.status);
                    for (k, v) in &answer.headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    if stream.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    match answer.body {
                        Body::Bytes(bytes) => {
                            let _ = stream.write_all(&bytes);
                        }
                        Body::Huge(n) => {
                            let chunk = vec![b'x'; 64 * 1024];
                            let mut sent = 0;
                            while sent < n {
                                if stream.write_all(&chunk[..chunk.len().min(n - sent)]).is_err() {
                                    return; // the client gave up, as it should
                                }
                                sent += chunk.len();
                            }
                        }
                        Body::Hang => unreachable!(),
                    }
                });
            }
        });
        Server { base, routes }
    }

    fn set(&self, path: &str, answer: Answer) -> String {
        self.routes.lock().unwrap().insert(path.to_string(), answer);
        format!("{}{path}", self.base)
    }
}

// ---------------------------------------------------------------------------------------
// A scratch repository root with one API.

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, reader: &str, pages: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-fetch-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("specs/demo")).unwrap();
        let mut overlay = format!("api:\n  name: demo\n  title: Demo API\n  reader: {reader}\n");
        if !pages.is_empty() {
            overlay.push_str("pages:\n");
            for (url, style) in pages {
                overlay.push_str(&format!("  - url: {url}\n    style: {style}\n    cite: the test's own server\n"));
            }
        }
        fs::write(dir.join("specs/demo/overlay.yaml"), overlay).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str) -> Option<Vec<u8>> {
        fs::read(self.0.join("specs/demo").join(name)).ok()
    }

    /// Every file of the API with its bytes.
    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(self.0.join("specs/demo"))
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().to_string(), fs::read(e.path()).unwrap()))
            .collect()
    }

    fn fetch(&self, options: &Options) -> Result<fetch::Outcome, fetch::FetchError> {
        fetch::run(&self.0, "demo", options)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: Option<Vec<u8>>) -> String {
    String::from_utf8(bytes.expect("the file exists")).unwrap()
}

// ---------------------------------------------------------------------------------------

#[test]
fn a_page_is_stored_with_its_text_and_provenance_and_a_second_run_changes_nothing() {
    let server = Server::start();
    let page = fs::read_to_string(fixtures().join("pages/generic/nesting.html")).unwrap();
    let url = server.set("/docs", html(&page));
    let scratch = Scratch::new("store", "blueprint", &[(&url, "generic")]);

    let first = scratch.fetch(&Options::default()).unwrap();
    assert!(first.codegen_input_changed);
    assert_eq!(scratch.file("page.html").unwrap(), page.as_bytes());
    let snapshot = text(scratch.file("snapshot.txt"));
    assert!(snapshot.contains("GET\nList things\n/v1/things{?kind}{?undocumented}\n"), "{snapshot}");
    assert!(snapshot.contains("\n  owner\n  Person\n"), "child attributes are indented:\n{snapshot}");
    assert!(snapshot.contains("\n    country\n    string\n    Default: Norway\n"), "{snapshot}");
    let provenance = xtask::provenance::read(&scratch.0, "demo").unwrap().unwrap();
    let files: Vec<&str> = provenance.inputs.iter().map(|i| i.file.as_str()).collect();
    assert_eq!(files, ["page.html", "snapshot.txt"]);
    assert_eq!(provenance.inputs[0].source, url);
    assert_eq!(provenance.inputs[0].obtained, "cargo xtask fetch demo");
    assert_eq!(provenance.inputs[0].sha256, xtask::provenance::sha256_hex(page.as_bytes()));
    assert!(xtask::provenance::check(&scratch.0, "demo").is_ok());
    assert!(first.lines.iter().any(|l| l.contains("specs/demo/snapshot.txt: new")), "{:?}", first.lines);

    let before = scratch.snapshot();
    let second = scratch.fetch(&Options::default()).unwrap();
    assert!(!second.codegen_input_changed);
    assert!(second.written.is_empty(), "{:?}", second.written);
    assert_eq!(scratch.snapshot(), before);
    assert!(second.lines.iter().any(|l| l.contains("reads the same inputs")), "{:?}", second.lines);

    // --check says whether the vendor's page changed, and writes nothing.
    let check = Options { check: true, ..Default::default() };
    assert!(!scratch.fetch(&check).unwrap().codegen_input_changed);
    server.set("/docs", html(&page.replace("Lists things.", "Lists all things.")));
    let changed = scratch.fetch(&check).unwrap();
    assert!(changed.codegen_input_changed);
    assert!(changed.lines.iter().any(|l| l.contains("specs/demo/snapshot.txt: changed")), "{:?}", changed.lines);
    assert_eq!(scratch.snapshot(), before);

    // An input edited by hand no longer matches its provenance.
    fs::write(scratch.0.join("specs/demo/snapshot.txt"), "edited\n").unwrap();
    let problems = xtask::provenance::check(&scratch.0, "demo").unwrap_err();
    assert_eq!(problems.len(), 1);
    let problem = problems[0].to_string();
    assert!(problem.starts_with("specs/demo/snapshot.txt: its sha256 is"), "{problem}");
}

#[test]
fn bad_answers_are_errors_naming_the_url_and_nothing_is_written() {
    let server = Server::start();
    let good = fs::read_to_string(fixtures().join("pages/generic/nesting.html")).unwrap();
    let url = server.set("/docs", html(&good));
    let scratch = Scratch::new("bad", "blueprint", &[(&url, "generic")]);
    scratch.fetch(&Options::default()).unwrap();
    let committed = scratch.snapshot();

    let missing = format!("{}/missing", server.base);
    let looping = server.set(
        "/loop",
        Answer { status: 302, headers: vec![("Location", "/loop".into())], body: Body::Bytes(Vec::new()) },
    );
    let huge = server.set(
        "/huge",
        Answer { status: 200, headers: vec![("Content-Type", "text/html".into())], body: Body::Huge(50 * 1024 * 1024) },
    );
    let json = server.set(
        "/json",
        Answer {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: Body::Bytes(b"{}".to_vec()),
        },
    );
    let empty = server.set("/empty", html(""));
    let prose = server.set("/prose", html("<p>Welcome to our blog.</p>"));
    let hang = server.set("/hang", Answer { status: 200, headers: vec![], body: Body::Hang });
    let cases = [
        (missing.as_str(), "answered 404", "download"),
        (looping.as_str(), "more than 5 redirects", "download"),
        (huge.as_str(), "larger than 20971520 bytes", "download"),
        (json.as_str(), "the answer is `application/json`, not an HTML page", "download"),
        (empty.as_str(), "the page is empty", "page"),
        (prose.as_str(), "does not read as a `blueprint` document", "text"),
    ];
    for (url, expected, kind) in cases {
        let err = scratch.fetch(&Options { from: vec![url.to_string()], ..Default::default() }).unwrap_err();
        let found = match &err {
            FetchError::Download { origin, .. } if origin == url => "download",
            FetchError::Page(e) if e.origin == url => "page",
            FetchError::Text { origins, .. } if origins == url => "text",
            _ => "another",
        };
        assert_eq!(found, kind, "{url}: {err}");
        let err = err.to_string();
        assert!(err.contains(url) && err.contains(expected), "{url}: {err}");
        assert_eq!(scratch.snapshot(), committed, "{url} changed the committed inputs");
    }
    let limits = Limits { timeout: Duration::from_millis(300), ..Default::default() };
    let err =
        scratch.fetch(&Options { from: vec![hang.clone()], limits, ..Default::default() }).unwrap_err().to_string();
    assert!(err.contains(&hang) && err.contains("no complete answer within 0.3 s"), "{err}");
    // A page of several of which one fails writes nothing either.
    let err = scratch.fetch(&Options { from: vec![url.clone(), missing.clone()], ..Default::default() }).unwrap_err();
    assert!(matches!(&err, FetchError::Download { origin, .. } if *origin == missing), "{err}");
    assert_eq!(scratch.snapshot(), committed);
}

#[test]
fn a_redoc_page_gives_the_definition_it_embeds_stored_compressed() {
    let page = fixtures().join("pages/redoc/redoc-cli-0.13.21.html.gz");
    let scratch = Scratch::new("redoc", "redoc_text", &[("https://docs.example.test/", "redoc")]);
    let from = page.to_string_lossy().to_string();
    let outcome = scratch.fetch(&Options { from: vec![from.clone()], ..Default::default() }).unwrap();
    assert!(outcome.codegen_input_changed);
    let definition: Value = serde_json::from_slice(&scratch.file("definition.json").unwrap()).unwrap();
    // The page was rendered from the project's own copy of Nimble's definition.
    let committed = fixtures().join("../../../specs/nimble/definition.yaml");
    let expected: Value = codegen::yaml::from_str(&fs::read_to_string(committed).unwrap()).unwrap();
    assert_eq!(definition, expected);
    // 3.5 MB of HTML: stored compressed; the same page as the fixture.
    let stored = scratch.file("page.html.gz").unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    flate2::read::GzDecoder::new(&stored[..]).read_to_end(&mut a).unwrap();
    flate2::read::GzDecoder::new(&fs::read(&page).unwrap()[..]).read_to_end(&mut b).unwrap();
    assert!(a == b);
    assert!(scratch.file("snapshot.txt").is_none(), "a Redoc page's text is not written");
    let provenance = xtask::provenance::read(&scratch.0, "demo").unwrap().unwrap();
    let definition_entry = provenance.inputs.iter().find(|i| i.file == "definition.json").unwrap();
    assert!(definition_entry.source.contains("__redoc_state"), "{}", definition_entry.source);
    assert!(definition_entry.obtained.ends_with(&format!("--from {from}")));

    // The definition committed as YAML stays YAML, untouched when it is the same document.
    fs::remove_file(scratch.0.join("specs/demo/definition.json")).unwrap();
    let yaml = codegen::yaml::to_string(&expected).unwrap();
    fs::write(scratch.0.join("specs/demo/definition.yaml"), &yaml).unwrap();
    let again = scratch.fetch(&Options { from: vec![from], ..Default::default() }).unwrap();
    assert!(!again.written.iter().any(|w| w.contains("definition")), "{:?}", again.written);
    assert!(scratch.file("definition.json").is_none());
    assert_eq!(text(scratch.file("definition.yaml")), yaml);
}

#[test]
fn readme_pages_give_one_definition_merged_from_their_pages() {
    let server = Server::start();
    let dir = fixtures().join("pages/readme");
    let list =
        server.set("/reference/list-all-deals", html(&fs::read_to_string(dir.join("list-all-deals.html")).unwrap()));
    let create =
        server.set("/reference/create-a-deal", html(&fs::read_to_string(dir.join("create-a-deal.html")).unwrap()));
    let scratch = Scratch::new("readme", "openapi_text", &[(&list, "readme"), (&create, "readme")]);
    let outcome = scratch.fetch(&Options::default()).unwrap();
    assert!(outcome.lines.iter().any(|l| l == "2 definitions merged into one"), "{:?}", outcome.lines);
    let merged: Value = serde_json::from_slice(&scratch.file("definition.json").unwrap()).unwrap();
    let deals = merged["paths"]["/deals"].as_object().unwrap();
    assert_eq!(deals.keys().collect::<Vec<_>>(), ["get", "post"]);
    assert_eq!(deals["get"]["operationId"], "Deal_getAll");
    assert_eq!(deals["post"]["operationId"], "Deal_newDealCreation");
    let schemas: Vec<&String> = merged["components"]["schemas"].as_object().unwrap().keys().collect();
    assert_eq!(
        schemas,
        [
            "DealGetAll400Response",
            "DealGetAllResponse",
            "DealNewDealCreation400Response",
            "DealNewDealCreationRequest",
            "DealNewDealCreationResponse"
        ]
    );
    assert!(scratch.file("page-1.html").is_some() && scratch.file("page-2.html").is_some());
}

#[test]
fn committed_inputs_match_their_provenance() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for api in xtask::pipeline::api_names(root).unwrap() {
        if let Err(problems) = xtask::provenance::check(root, &api) {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("{}", problems.join("\n"));
        }
    }
}

#[test]
fn a_page_that_stopped_embedding_its_definition_does_not_replace_the_committed_one() {
    let scratch = Scratch::new("markup", "redoc_text", &[("https://docs.example.test/", "redoc")]);
    let mut page = String::new();
    flate2::read::GzDecoder::new(&fs::read(fixtures().join("pages/redoc/redoc-cli-0.13.21.html.gz")).unwrap()[..])
        .read_to_string(&mut page)
        .unwrap();
    // The committed definition: the one the page embeds.
    let full = scratch.0.join("full.html");
    fs::write(&full, &page).unwrap();
    scratch.fetch(&Options { from: vec![full.to_string_lossy().to_string()], ..Default::default() }).unwrap();
    let committed = scratch.snapshot();
    // The same page without its script gives only what its markup shows.
    let at = page.find("__redoc_state").unwrap();
    let start = page[..at].rfind("<script").unwrap();
    let end = at + page[at..].find("</script>").unwrap() + "</script>".len();
    let stripped = scratch.0.join("stripped.html");
    fs::write(&stripped, format!("{}{}", &page[..start], &page[end..])).unwrap();
    let err = scratch
        .fetch(&Options { from: vec![stripped.to_string_lossy().to_string()], ..Default::default() })
        .unwrap_err();
    assert!(matches!(&err, FetchError::Definition { origin, .. } if origin.ends_with("definition.json")), "{err}");
    let err = err.to_string();
    assert!(err.contains("no longer embeds its definition") && err.contains("stripped.html"), "{err}");
    assert_eq!(scratch.snapshot(), committed);
}

#[test]
fn a_redoc_page_that_loads_its_definition_by_url_gets_it_fetched_too() {
    let server = Server::start();
    let page = server.set(
        "/docs/",
        html(r#"<html><body><redoc spec-url="openapi.yaml"></redoc><script src="redoc.js"></script></body></html>"#),
    );
    let definition = "openapi: 3.0.0\ninfo: {title: Demo, version: '1'}\npaths:\n  /things:\n    get:\n      responses:\n        '200': {description: ok}\n";
    server.set(
        "/docs/openapi.yaml",
        Answer {
            status: 200,
            headers: vec![("Content-Type", "application/yaml".into())],
            body: Body::Bytes(definition.as_bytes().to_vec()),
        },
    );
    let scratch = Scratch::new("linked", "redoc_text", &[(&page, "redoc")]);
    let outcome = scratch.fetch(&Options::default()).unwrap();
    assert!(outcome.lines.iter().any(|l| l.contains("loads it from openapi.yaml")), "{:?}", outcome.lines);
    let stored: Value = serde_json::from_slice(&scratch.file("definition.json").unwrap()).unwrap();
    assert_eq!(stored, codegen::yaml::from_str::<Value>(definition).unwrap());
    let provenance = xtask::provenance::read(&scratch.0, "demo").unwrap().unwrap();
    let entry = provenance.inputs.iter().find(|i| i.file == "definition.json").unwrap();
    assert!(entry.source.starts_with(&format!("{}/docs/openapi.yaml", server.base)), "{}", entry.source);

    // The linked document missing: an error naming its URL; nothing changes.
    let committed = scratch.snapshot();
    server.set("/docs/", html(r#"<redoc spec-url="gone.json"></redoc>"#));
    let err = scratch.fetch(&Options::default()).unwrap_err();
    let gone = format!("{}/docs/gone.json", server.base);
    assert!(
        matches!(&err, FetchError::Download { origin, message } if *origin == gone && message.contains("404")),
        "{err}"
    );
    assert_eq!(scratch.snapshot(), committed);
}
