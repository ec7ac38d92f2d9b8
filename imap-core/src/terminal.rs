//! Server text made safe to print on a terminal ([`escaped`], [`escaped_text`]).
//!
//! Mailbox names, subjects, headers, flags, response text: whatever a server sent can hold
//! control characters that a terminal obeys (ESC starts CSI and OSC sequences that move the
//! cursor, rewrite the title, set the clipboard or emit hyperlinks; BEL rings; CR overwrites
//! the line). Printing server text through these wrappers shows every such character as a
//! visible escape instead: C0 controls (NUL to US), DEL and the C1 controls (U+0080 to U+009F,
//! which include the 8-bit CSI and OSC) become `\x1b` or `\u{9b}`.

use std::fmt;

/// Server text that prints with its control characters escaped (see the
/// [module documentation](self)). Width, fill and alignment apply (`{:<30}`).
#[derive(Clone, Copy, Debug)]
pub struct Escaped<'a> {
    s: &'a str,
    multiline: bool,
}

/// One-line server text (a name, a header value, a flag): every control character escaped,
/// line breaks and tabs included.
pub fn escaped(s: &str) -> Escaped<'_> {
    Escaped {
        s,
        multiline: false,
    }
}

/// Multi-line server text (a message body): line feeds and tabs stay, a CR before LF is
/// dropped, every other control character is escaped (a lone CR too, which would overwrite
/// the line).
pub fn escaped_text(s: &str) -> Escaped<'_> {
    Escaped { s, multiline: true }
}

/// Whether a terminal may act on `c`: C0, DEL and C1 controls.
pub fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

impl Escaped<'_> {
    fn render(&self) -> String {
        let mut out = String::with_capacity(self.s.len());
        let mut chars = self.s.chars().peekable();
        while let Some(c) = chars.next() {
            let keep = self.multiline
                && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')));
            if keep {
                if c != '\r' {
                    out.push(c);
                }
            } else if is_control(c) {
                let n = u32::from(c);
                if n < 0x80 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{{{n:x}}}"));
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.s.chars().any(is_control) {
            f.pad(&self.render())
        } else {
            f.pad(self.s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        // OSC 52 (set the clipboard), CSI (clear the screen), BEL, NUL, DEL, 8-bit CSI.
        let evil = "a\u{1b}]52;c;cm0gLXJm\u{7}b\u{1b}[2Jc\0d\u{7f}e\u{9b}31mf\r\ng\th";
        let one = escaped(evil).to_string();
        assert_eq!(
            one,
            "a\\x1b]52;c;cm0gLXJm\\x07b\\x1b[2Jc\\x00d\\x7fe\\u{9b}31mf\\x0d\\x0ag\\x09h"
        );
        assert!(!one.chars().any(is_control));
        let text = escaped_text(evil).to_string();
        assert!(text.ends_with("31mf\ng\th"), "{text}");
        assert_eq!(escaped_text("over\rwrite").to_string(), "over\\x0dwrite");
    }

    #[test]
    fn plain_text_is_unchanged_and_padded() {
        assert_eq!(format!("[{:<6}]", escaped("Café")), "[Café  ]");
        assert_eq!(format!("[{:>6}]", escaped("a\u{7}")), "[ a\\x07]");
    }
}
