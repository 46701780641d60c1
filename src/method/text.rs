//! Reading free text the way the method needs it: what counts as blank (Q8, Q34), and which
//! lexicon cues a text contains (Q34), in one pass over the text whatever the language.
//!
//! Meaning comes from the calling assistant's classification; this module only finds the
//! wording the method names (fake moves, opinion, red flags), so the engine can hold the
//! classification to the stricter reading. It never decides a verdict on its own.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::lexicon::{self, Cue};

/// Folds a text for matching: lower case, common Latin diacritics removed, typographic
/// apostrophes made plain, every run of digits replaced by `#`, and white space folded.
///
/// Digits become `#` so that a phrase such as "vendor for # years" matches any number of years.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    let mut in_space = true;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
            in_space = false;
            continue;
        }
        in_digits = false;
        if c.is_whitespace() || c.is_control() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        for lower in c.to_lowercase() {
            match lower {
                '’' | '‘' | '`' | '´' => out.push('\''),
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
                'é' | 'è' | 'ê' | 'ë' => out.push('e'),
                'í' | 'ì' | 'î' | 'ï' => out.push('i'),
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => out.push('o'),
                'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
                'ç' => out.push('c'),
                'ñ' => out.push('n'),
                'ß' => out.push_str("ss"),
                other => out.push(other),
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The folded text with every character that is not a letter, a digit marker or a space
/// removed, for comparing a whole answer against a word list ("N/A" and "n.a." alike).
pub(crate) fn bare(text: &str) -> String {
    let folded = fold(text);
    let kept: String =
        folded.chars().map(|c| if c.is_alphanumeric() || c == '#' { c } else { ' ' }).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a text carries no answer: empty, white space, punctuation or emoji only, or an
/// explicit nil answer such as "none", "n/a", "nada" or "なし" (Q8, Q34).
pub fn is_blank(text: &str) -> bool {
    // No nil answer is long, and most texts are not blank: skip the folding for them.
    if !text.chars().any(char::is_alphanumeric) {
        return true;
    }
    if text.len() > 64 {
        return false;
    }
    lexicon::NIL_ANSWERS.contains(&bare(text))
}

/// Whether a text, taken whole, is one of `list` (already folded, punctuation-free entries),
/// with a leading possessive or article ("our", "the") ignored.
pub fn is_one_of(text: &str, list: &lexicon::WordList) -> bool {
    let bare = bare(text);
    let stripped = lexicon::LEADING_WORDS
        .iter()
        .find_map(|w| bare.strip_prefix(w).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or(&bare);
    list.contains(&bare) || list.contains(stripped)
}

/// The number of words in a text, counting each CJK character as a word, since those scripts
/// do not separate words with spaces.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            let cjk = w.chars().filter(|c| is_cjk(*c)).count();
            let rest = w.chars().any(|c| c.is_alphanumeric() && !is_cjk(c));
            cjk + usize::from(rest)
        })
        .sum()
}

/// The cues found in one text, each with the first phrase that matched it.
#[derive(Debug, Clone, Default)]
pub struct Cues {
    found: Vec<(Cue, &'static str)>,
}

impl Cues {
    /// Whether the text matched `cue`.
    pub fn has(&self, cue: Cue) -> bool {
        self.found.iter().any(|(c, _)| *c == cue)
    }

    /// The phrase that matched `cue`, if any.
    pub fn phrase(&self, cue: Cue) -> Option<&'static str> {
        self.found.iter().find(|(c, _)| *c == cue).map(|(_, p)| *p)
    }

    /// Adds the cues of `other` that this text did not have: the cues of two fields read as
    /// one text.
    pub fn extend(&mut self, other: Cues) {
        for (cue, phrase) in other.found {
            if !self.has(cue) {
                self.found.push((cue, phrase));
            }
        }
        self.found.sort_by_key(|(cue, _)| *cue);
    }

    /// Every cue found, in lexicon order, each once.
    pub fn iter(&self) -> impl Iterator<Item = (Cue, &'static str)> + '_ {
        self.found.iter().copied()
    }
}

struct Matcher {
    automaton: AhoCorasick,
    entries: Vec<(Cue, &'static str, String)>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let entries: Vec<_> =
        lexicon::PHRASES.iter().map(|&(cue, phrase)| (cue, phrase, fold(phrase))).collect();
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(entries.iter().map(|(_, _, folded)| folded.trim_end_matches('*')))
        .expect("the lexicon's phrases are plain strings, well under the automaton's limits");
    Matcher { automaton, entries }
});

/// Finds every lexicon cue in `text`.
///
/// A phrase that starts or ends with a Latin letter must sit on a word boundary there, so
/// "call" does not match inside "recall"; a phrase ending in `*` matches any word ending
/// ("discount*" finds "discounted"). CJK phrases match anywhere.
pub fn scan(text: &str) -> Cues {
    let folded = fold(text);
    let matcher = &*MATCHER;
    let mut cues = Cues::default();
    for m in matcher.automaton.find_overlapping_iter(&folded) {
        let (cue, phrase, pattern) = &matcher.entries[m.pattern().as_usize()];
        if cues.has(*cue) {
            continue;
        }
        let open_end = pattern.ends_with('*');
        if on_boundary(&folded, m.start(), m.end(), open_end) {
            cues.found.push((*cue, phrase));
        }
    }
    cues.found.sort_by_key(|(cue, _)| *cue);
    cues
}

fn on_boundary(text: &str, start: usize, end: usize, open_end: bool) -> bool {
    let matched = &text[start..end];
    let first = matched.chars().next();
    let last = matched.chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let joins = |edge: Option<char>, neighbour: Option<char>| {
        edge.is_some_and(is_word_char) && neighbour.is_some_and(is_word_char)
    };
    !joins(first, before) && (open_end || !joins(last, after))
}

fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || c == '#') && !is_cjk(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F) // half-width katakana
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_blank_covers_empty_punctuation_emoji_and_nil_words() {
        for blank in [
            "",
            "   ",
            "...",
            "—",
            "🤷",
            "🙂👍",
            "none",
            "None.",
            "N/A",
            "n.a.",
            "nada",
            "なし",
            "特になし",
            "nothing",
            "can't think of any",
            "Rien",
            "nichts",
            "nenhum",
            "no idea",
        ] {
            assert!(is_blank(blank), "{blank:?} should be blank");
        }
        for answer in ["We rebuilt their export job", "Ja", "3 reports", "なしではない提案"]
        {
            assert!(!is_blank(answer), "{answer:?} should not be blank");
        }
    }

    #[test]
    fn fold_lowercases_strips_accents_and_marks_numbers() {
        assert_eq!(fold("Wir sind seit 10 Jahren  Lieferant"), "wir sind seit # jahren lieferant");
        assert_eq!(fold("Après l’annonce"), "apres l'annonce");
    }

    #[test]
    fn scan_respects_word_boundaries_for_latin_scripts() {
        assert!(scan("They always take our calls").has(Cue::FakeAccessibility));
        assert!(!scan("We ran a product recall analysis").has(Cue::Relational));
        assert!(scan("We gave a 10% discount").has(Cue::FakeDiscount));
        assert!(scan("Discounted renewal").has(Cue::FakeDiscount));
        assert!(scan("値引きで継続してもらった").has(Cue::FakeDiscount));
    }

    #[test]
    fn word_count_counts_cjk_characters() {
        assert_eq!(word_count("assign Priya to planning"), 4);
        assert_eq!(word_count("計画会議"), 4);
    }
}
