//! An element's text as a browser lays it out (`innerText`, simplified): inline content
//! runs together, block elements start new lines (paragraphs and headings with a blank
//! line around them), `<br>` breaks a line, table cells are separated by a tab and rows
//! by a line break, `<pre>` keeps its lines. One addition: a list nested in a list is
//! indented two spaces per level, so the nesting the markup states survives in the text
//! (a plain extraction flattens it).

use scraper::node::Node;
use scraper::ElementRef;

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "head", "svg", "iframe", "object"];

/// Elements laid out as blocks; `BLANK` ones also get a blank line around them.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];
const BLANK: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"];

/// The text of `element`, one line per laid-out line, ending with a line break.
pub fn inner_text(element: ElementRef) -> String {
    let mut w = Writer::default();
    w.walk(element, 0, false);
    let mut out = w.out;
    trim_line_end(&mut out);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Line breaks asked for since the last text (only written before more text).
    pending: usize,
    /// Spaces in front of the lines started now.
    indent: usize,
}

impl Writer {
    fn walk(&mut self, element: ElementRef, lists: usize, pre: bool) {
        let name = element.value().name();
        if HIDDEN.contains(&name) || element.value().attr("hidden").is_some() {
            return;
        }
        let breaks = if BLANK.contains(&name) {
            2
        } else if BLOCK.contains(&name) {
            1
        } else {
            0
        };
        let nested_list = matches!(name, "ul" | "ol") && lists >= 1;
        let lists = if matches!(name, "ul" | "ol") { lists + 1 } else { lists };
        let pre = pre || name == "pre";
        let saved_indent = self.indent;
        if nested_list {
            self.indent += 2;
        }
        self.request(breaks);
        if name == "br" {
            self.request(1);
        }
        let mut first_cell = true;
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text(text, pre),
                Node::Element(_) => {
                    let Some(child_element) = ElementRef::wrap(child) else { continue };
                    if matches!(child_element.value().name(), "td" | "th") {
                        if !first_cell {
                            self.out.push('\t');
                        }
                        first_cell = false;
                    }
                    self.walk(child_element, lists, pre);
                }
                _ => {}
            }
        }
        self.request(breaks);
        self.indent = saved_indent;
    }

    fn request(&mut self, breaks: usize) {
        self.pending = self.pending.max(breaks);
    }

    fn text(&mut self, text: &str, pre: bool) {
        if pre {
            if text.is_empty() {
                return;
            }
            self.start_text();
            self.out.push_str(text);
            return;
        }
        let collapsed = collapse_whitespace(text);
        if collapsed.trim().is_empty() {
            // Whitespace between inline elements separates them; at a line start it is nothing.
            if !collapsed.is_empty() && self.pending == 0 && !self.after_space() {
                self.out.push(' ');
            }
            return;
        }
        self.start_text();
        let trim = self.after_space();
        if self.at_line_start() {
            self.out.extend(std::iter::repeat_n(' ', self.indent));
        }
        self.out.push_str(if trim { collapsed.trim_start() } else { &collapsed });
    }

    /// At a line start or after a separator: a leading space would be redundant.
    fn after_space(&self) -> bool {
        self.at_line_start() || self.out.ends_with(' ') || self.out.ends_with('\t')
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// Writes the line breaks asked for before new text (none at the very start).
    fn start_text(&mut self) {
        if self.pending > 0 && !self.out.is_empty() {
            trim_line_end(&mut self.out);
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            for _ in 1..self.pending {
                if !self.out.ends_with("\n\n") {
                    self.out.push('\n');
                }
            }
        }
        self.pending = 0;
    }
}

/// Runs of whitespace (not no-break spaces, which pages use on purpose) become one space.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn trim_line_end(out: &mut String) {
    while out.ends_with(' ') || out.ends_with('\t') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn text(html: &str) -> String {
        let doc = Html::parse_document(html);
        inner_text(doc.root_element())
    }

    #[test]
    fn blocks_break_lines_and_inline_runs_together() {
        assert_eq!(
            text("<h2>Title</h2><p>One <b>bold</b>\n  word.</p><div>a</div><div>b<br>c</div>"),
            "Title\n\nOne bold word.\n\na\nb\nc\n"
        );
        // Inline buttons run together, as in the pages' own text extractions.
        assert_eq!(
            text("<div><button>Hide child attributes</button><button>Show child attributes</button></div>"),
            "Hide child attributesShow child attributes\n"
        );
    }

    #[test]
    fn tables_pre_and_hidden_content() {
        assert_eq!(
            text("<table><tr><td>a</td><td>b c</td></tr><tr><td>d</td></tr></table><pre>{\n  \"x\": 1\n}</pre><script>no()</script><p hidden>no</p>"),
            "a\tb c\nd\n\n{\n  \"x\": 1\n}\n"
        );
    }

    #[test]
    fn nested_lists_are_indented() {
        assert_eq!(
            text("<ul><li><p>a</p><ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"),
            "a\n\n  b\n    c\nd\n"
        );
    }
}
