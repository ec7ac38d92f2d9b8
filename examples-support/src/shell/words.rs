//! A shell line in words: whitespace separates them, double quotes group them
//! (`select "Sent Items"`, `\"` and `\\` inside quotes), and the text after a word is kept as
//! written for commands that take IMAP syntax (`search`, `raw`).

/// The words of a line and where each starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words<'a> {
    line: &'a str,
    words: Vec<(usize, String)>,
}

impl<'a> Words<'a> {
    /// Splits `line`.
    ///
    /// # Errors
    /// When a quote is not closed.
    pub fn split(line: &'a str) -> Result<Words<'a>, String> {
        let mut words = Vec::new();
        let mut chars = line.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let mut word = String::new();
            let mut quoted = false;
            while let Some(&(_, c)) = chars.peek() {
                if !quoted && c.is_whitespace() {
                    break;
                }
                chars.next();
                match c {
                    '"' => quoted = !quoted,
                    '\\' if quoted => match chars.next() {
                        Some((_, e)) => word.push(e),
                        None => return Err("a backslash ends the line".into()),
                    },
                    c => word.push(c),
                }
            }
            if quoted {
                return Err("a quote is not closed".into());
            }
            words.push((start, word));
        }
        Ok(Words { line, words })
    }

    /// The command word.
    pub fn command(&self) -> Option<&str> {
        self.words.first().map(|(_, w)| w.as_str())
    }

    /// The arguments after the command.
    pub fn args(&self) -> Vec<&str> {
        self.words.iter().skip(1).map(|(_, w)| w.as_str()).collect()
    }

    /// Argument `i` (0: the first after the command), or an error naming `what`.
    pub fn arg(&self, i: usize, what: &str) -> Result<&str, String> {
        self.words
            .get(i + 1)
            .map(|(_, w)| w.as_str())
            .ok_or_else(|| format!("expected {what}"))
    }

    /// The line from argument `i` on, as written (quotes kept); an error naming `what` when
    /// there is none.
    pub fn rest(&self, i: usize, what: &str) -> Result<&'a str, String> {
        self.words
            .get(i + 1)
            .map(|&(start, _)| self.line[start..].trim_end())
            .ok_or_else(|| format!("expected {what}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_group_and_the_rest_is_kept_as_written() {
        let w = Words::split(r#"  copy 1:3  "Sent \"Items\"" extra "#).unwrap();
        assert_eq!(w.command(), Some("copy"));
        assert_eq!(w.args(), ["1:3", "Sent \"Items\"", "extra"]);
        assert_eq!(w.rest(1, "x").unwrap(), r#""Sent \"Items\"" extra"#);
        assert_eq!(w.arg(3, "a flag"), Err("expected a flag".into()));
        assert_eq!(
            Words::split("select \"open").unwrap_err(),
            "a quote is not closed"
        );
        assert_eq!(Words::split("").unwrap().command(), None);
    }
}
