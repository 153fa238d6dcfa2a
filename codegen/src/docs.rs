//! Turns the HTML of `documentation` traits into Markdown for rustdoc.

/// Converts documentation HTML (as AWS models carry it) to Markdown lines.
pub fn html_to_markdown(html: &str) -> Vec<String> {
    let mut out = Markdown::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let Some(end) = rest.find('>') else {
                    out.text(rest);
                    break;
                };
                out.tag(&rest[1..end]);
                rest = &rest[end + 1..];
            }
            Some(at) => {
                out.text(&rest[..at]);
                rest = &rest[at..];
            }
            None => {
                out.text(rest);
                break;
            }
        }
    }
    out.finish()
}

#[derive(Default)]
struct Markdown {
    lines: Vec<String>,
    line: String,
    links: Vec<String>,
    in_pre: bool,
    in_code: bool,
    list_depth: usize,
}

impl Markdown {
    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        if self.in_pre {
            for (i, part) in decoded.split('\n').enumerate() {
                if i > 0 {
                    self.flush_line();
                }
                self.line.push_str(part);
            }
            return;
        }
        let mut pending_space = decoded.starts_with(char::is_whitespace);
        for word in decoded.split_whitespace() {
            let just_opened_code = self.in_code && self.line.ends_with('`');
            if pending_space
                && !self.line.is_empty()
                && !self.line.ends_with([' ', '(', '['])
                && !just_opened_code
            {
                self.line.push(' ');
            }
            if self.in_code {
                self.line.push_str(&word.replace('`', "'"));
            } else {
                self.line.push_str(&escape_markdown(word));
            }
            pending_space = true;
        }
        if decoded.ends_with(char::is_whitespace)
            && !self.line.is_empty()
            && !self.line.ends_with(' ')
        {
            self.line.push(' ');
        }
    }

    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let name = body
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("p" | "div" | "note" | "important" | "dl", _)
                if self.list_depth > 0 && !self.line.trim().ends_with('-') =>
            {
                self.line.push(' ');
            }
            ("p" | "div" | "note" | "important" | "dl", _) if self.list_depth > 0 => {}
            ("p" | "div" | "note" | "important" | "dl", _) => self.paragraph(),
            ("br", _) => self.flush_line(),
            ("code", false) if !self.in_pre => {
                self.space_before_inline();
                self.line.push('`');
                self.in_code = true;
            }
            ("code", true) if !self.in_pre => {
                if self.line.ends_with('`') {
                    self.line.pop();
                } else {
                    self.line.push('`');
                }
                self.in_code = false;
            }
            ("b" | "strong", _) if !self.in_code && !self.in_pre => self.line.push_str("**"),
            ("i" | "em", _) if !self.in_code && !self.in_pre => self.line.push('*'),
            ("a", false) => {
                let href = attribute(body, "href").unwrap_or_default();
                self.space_before_inline();
                self.line.push('[');
                self.links.push(href);
            }
            ("a", true) => {
                let href = self.links.pop().unwrap_or_default();
                if href.starts_with("http") {
                    self.line.push_str(&format!("]({href})"));
                } else {
                    // Relative links point into AWS's docs site; keep the text only.
                    if let Some(open) = self.line.rfind('[') {
                        self.line.remove(open);
                    }
                }
            }
            ("ul" | "ol", false) => {
                self.paragraph();
                self.list_depth += 1;
            }
            ("ul" | "ol", true) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                self.paragraph();
            }
            ("li", false) => {
                self.flush_line();
                self.line
                    .push_str(&"  ".repeat(self.list_depth.saturating_sub(1)));
                self.line.push_str("- ");
            }
            ("li", true) => self.flush_line(),
            ("dt", false) => {
                self.paragraph();
                self.line.push_str("**");
            }
            ("dt", true) => {
                self.line.push_str("**");
                self.paragraph();
            }
            ("pre", false) => {
                self.paragraph();
                self.lines.push("```text".to_owned());
                self.in_pre = true;
            }
            ("pre", true) => {
                self.flush_line();
                self.lines.push("```".to_owned());
                self.in_pre = false;
                self.paragraph();
            }
            _ => {}
        }
    }

    fn space_before_inline(&mut self) {
        if !self.line.is_empty()
            && !self.line.ends_with([' ', '(', '['])
            && !self.line.ends_with("- ")
        {
            self.line.push(' ');
        }
    }

    fn flush_line(&mut self) {
        let line = self.line.trim_end().to_owned();
        self.line.clear();
        if self.in_pre || !line.trim().is_empty() {
            self.lines.push(line);
        }
    }

    fn paragraph(&mut self) {
        self.flush_line();
        if self.lines.last().is_some_and(|last| !last.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.in_pre {
            self.flush_line();
            self.lines.push("```".to_owned());
        }
        self.flush_line();
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        // Markdown would join a list to a following plain line; keep them apart.
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len());
        for line in self.lines {
            let previous_is_item = out
                .last()
                .is_some_and(|l: &String| l.trim_start().starts_with("- "));
            if previous_is_item && !line.is_empty() && !line.trim_start().starts_with("- ") {
                out.push(String::new());
            }
            out.push(line);
        }
        out
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        rest[1..].find(quote).map(|end| rest[1..1 + end].to_owned())
    } else {
        Some(rest.split_whitespace().next().unwrap_or("").to_owned())
    }
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Escapes what rustdoc would read as links, HTML or emphasis, and wraps bare URLs.
fn escape_markdown(word: &str) -> String {
    if word.starts_with("http://") || word.starts_with("https://") {
        let trimmed = word.trim_end_matches(['.', ',', ')', ';']);
        return format!("<{trimmed}>{}", &word[trimmed.len()..]);
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(
            c,
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown;

    #[test]
    fn converts_common_tags() {
        let html = "<p>Creates a <code>collection</code> in a <b>Region</b>. See \
                    <a href=\"https://example.com/x\">the guide</a>.</p><ul><li><p>one</p></li><li>two</li></ul><p>After [x] &lt;y&gt;</p>";
        assert_eq!(
            html_to_markdown(html),
            vec![
                "Creates a `collection` in a **Region**. See [the guide](https://example.com/x).",
                "",
                "- one",
                "- two",
                "",
                "After \\[x\\] \\<y\\>",
            ]
        );
    }

    #[test]
    fn plain_text_and_relative_links() {
        assert_eq!(html_to_markdown("Plain text."), vec!["Plain text."]);
        assert_eq!(
            html_to_markdown("Use <a href=\"API_IndexFaces.html\">IndexFaces</a> later"),
            vec!["Use IndexFaces later"]
        );
    }
}
