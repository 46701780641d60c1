//! Reading free text the way the method needs it: what counts as blank (Q8, Q34), and which
//! lexicon cues a text contains (Q34), in one pass over the text whatever the language.
//!
//! Meaning comes from the calling assistant's classification; this module only finds the
//! wording the method names (fake moves, opinion, red flags), so the engine can hold the
//! classification to the stricter reading. It never decides a verdict on its own.

use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, MatchKind, dfa};

use super::lexicon::{self, Cue};

/// Folds a text for matching: lower case, common Latin diacritics removed, typographic
/// apostrophes made plain, every run of digits replaced by `#`, and white space folded.
///
/// Digits become `#` so that a phrase such as "vendor for # years" matches any number of years.
pub fn fold(text: &str) -> String {
    fold_with(text, false)
}

/// The folded text with every character that is not a letter, a digit marker or a space turned
/// into a space, for comparing a whole answer against a word list ("N/A" and "n.a." alike).
pub(crate) fn bare(text: &str) -> String {
    fold_with(text, true)
}

fn fold_with(text: &str, bare: bool) -> String {
    if text.is_ascii() {
        return fold_ascii(text.as_bytes(), bare);
    }
    let mut out = String::with_capacity(text.len());
    let mut state = FoldState::default();
    for c in text.chars() {
        if c.is_ascii() {
            state.push(&mut out, c, bare);
            continue;
        }
        for lower in c.to_lowercase() {
            let plain = match lower {
                '’' | '‘' | '´' => '\'',
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                'ß' => {
                    state.push(&mut out, 's', bare);
                    's'
                }
                other if other.is_whitespace() || other.is_control() => ' ',
                other => other,
            };
            state.push(&mut out, plain, bare);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Where the fold stands between two characters: inside a run of digits or of spaces.
#[derive(Default)]
struct FoldState {
    digits: bool,
    space: bool,
}

impl FoldState {
    fn push(&mut self, out: &mut String, c: char, bare: bool) {
        let c = match c {
            '`' => '\'',
            c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
            c => c,
        };
        if c.is_ascii_digit() {
            if !self.digits {
                out.push('#');
            }
            self.digits = true;
            self.space = false;
            return;
        }
        self.digits = false;
        let blank = c.is_whitespace() || c.is_control() || (bare && !c.is_alphanumeric());
        if blank {
            if !self.space && !out.is_empty() {
                out.push(' ');
            }
            self.space = true;
            return;
        }
        self.space = false;
        out.push(c);
    }
}

/// What folding does with each byte of ASCII text: keep it, start or continue a digit run, or
/// start or continue a space run. One table lookup per byte keeps the loops short; bytes
/// above ASCII are kept (only ASCII text is folded byte by byte).
const ASCII_KEEP: u8 = 0;
const ASCII_DIGIT: u8 = 1;
const ASCII_SPACE: u8 = 2;

const fn ascii_classes(bare: bool) -> [u8; 256] {
    let mut table = [ASCII_KEEP; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            ASCII_DIGIT
        } else if c.is_ascii_whitespace()
            || c.is_ascii_control()
            || (bare && !c.is_ascii_alphanumeric())
        {
            ASCII_SPACE
        } else {
            ASCII_KEEP
        };
        b += 1;
    }
    table
}

static FOLD_CLASSES: [u8; 256] = ascii_classes(false);
static BARE_CLASSES: [u8; 256] = ascii_classes(true);

/// The bytes of an ASCII text as [`fold`] (or [`bare`]) would fold it, without building the
/// folded string: the engine compares and scans most texts through this and never copies them.
#[derive(Clone)]
struct FoldedAscii<'a> {
    rest: std::slice::Iter<'a, u8>,
    classes: &'static [u8; 256],
    /// The class of the last byte read.
    last: u8,
    /// Whether a byte was emitted yet: white space before the first is dropped.
    started: bool,
    /// Whether a space run is waiting for the byte after it: white space after the last
    /// byte is dropped.
    gap: bool,
    /// The byte to emit after the space that came before it.
    held: Option<u8>,
}

impl<'a> FoldedAscii<'a> {
    fn new(text: &'a [u8], bare: bool) -> Self {
        let classes = if bare { &BARE_CLASSES } else { &FOLD_CLASSES };
        FoldedAscii {
            rest: text.iter(),
            classes,
            last: ASCII_SPACE,
            started: false,
            gap: false,
            held: None,
        }
    }
}

impl Iterator for FoldedAscii<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if let Some(b) = self.held.take() {
            return Some(b);
        }
        for &b in &mut self.rest {
            let class = self.classes[usize::from(b)];
            let out = match class {
                ASCII_KEEP if b == b'`' => b'\'',
                ASCII_KEEP => b.to_ascii_lowercase(),
                ASCII_DIGIT if self.last != ASCII_DIGIT => b'#',
                ASCII_DIGIT => continue,
                _ => {
                    self.last = ASCII_SPACE;
                    self.gap = self.started;
                    continue;
                }
            };
            self.last = class;
            self.started = true;
            if self.gap {
                self.gap = false;
                self.held = Some(out);
                return Some(b' ');
            }
            return Some(out);
        }
        None
    }
}

/// [`fold_with`] for ASCII text.
fn fold_ascii(text: &[u8], bare: bool) -> String {
    let mut folded = Vec::with_capacity(text.len());
    folded.extend(FoldedAscii::new(text, bare));
    String::from_utf8(folded).unwrap_or_default()
}

/// Longer than any entry of the nil list, folded or not: such a text is not a nil answer.
const NIL_MAX_BYTES: usize = 40;

/// Whether a text carries no answer: empty, white space, punctuation or emoji only, or an
/// explicit nil answer such as "none", "n/a", "nada" or "なし" (Q8, Q34).
pub fn is_blank(text: &str) -> bool {
    // Most texts are not blank, and no nil answer is long or starts with just any letter:
    // fold only the few texts that could be one.
    let Some(first) = text.chars().find(|c| c.is_alphanumeric()) else { return true };
    let first = if first.is_ascii_digit() { '#' } else { first.to_ascii_lowercase() };
    if text.len() > NIL_MAX_BYTES
        || (first.is_ascii() && !lexicon::NIL_ANSWERS.may_start_with(first))
    {
        return false;
    }
    if !text.is_ascii() {
        return lexicon::NIL_ANSWERS.contains(&bare(text));
    }
    // A short ASCII text is folded into a buffer on the stack: no allocation per field.
    let mut buf = [0u8; NIL_MAX_BYTES];
    let mut len = 0;
    for (slot, b) in buf.iter_mut().zip(FoldedAscii::new(text.as_bytes(), true)) {
        *slot = b;
        len += 1;
    }
    std::str::from_utf8(&buf[..len]).is_ok_and(|folded| lexicon::NIL_ANSWERS.contains(folded))
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

/// Whether `text` is the same as `folded` (a text already folded) once folded itself, without
/// folding texts whose lengths already tell them apart.
pub fn same_as_folded(text: &str, folded: &str) -> bool {
    if text.len().abs_diff(folded.len()) > text.len().max(folded.len()) / 8 + 2 {
        return false;
    }
    if text.is_ascii() {
        return FoldedAscii::new(text.as_bytes(), false).eq(folded.bytes());
    }
    fold(text) == folded
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

/// The cues found in one text, each with the first phrase that matched it. A fixed slot per
/// cue: scanning allocates nothing, and iteration comes out in lexicon order.
#[derive(Debug, Clone, Default)]
pub struct Cues {
    found: [Option<&'static str>; Cue::COUNT],
}

impl Cues {
    /// Whether the text matched `cue`.
    pub fn has(&self, cue: Cue) -> bool {
        self.found[cue as usize].is_some()
    }

    /// The phrase that matched `cue`, if any.
    pub fn phrase(&self, cue: Cue) -> Option<&'static str> {
        self.found[cue as usize]
    }

    /// Adds the cues of `other` that this text did not have: the cues of two fields read as
    /// one text.
    pub fn extend(&mut self, other: Cues) {
        for (slot, theirs) in self.found.iter_mut().zip(other.found) {
            if slot.is_none() {
                *slot = theirs;
            }
        }
    }

    /// Every cue found, in lexicon order, each once.
    pub fn iter(&self) -> impl Iterator<Item = (Cue, &'static str)> + '_ {
        Cue::ALL.iter().filter_map(|&cue| self.phrase(cue).map(|p| (cue, p)))
    }

    fn record(&mut self, cue: Cue, phrase: &'static str) {
        self.found[cue as usize].get_or_insert(phrase);
    }
}

/// What a text is read for. Each reading has its own automaton over only the cues it needs:
/// a smaller automaton scans faster, and every call scans every text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Evidence and answers: fake moves, opinion, plans not done, red flags (Q15, Q16, R21).
    Evidence,
    /// Opinion only: trust observations (Q26).
    Opinion,
    /// A proposed move: relational, social, operational and vague wording (Q24, Q25).
    Plan,
    /// A relationship owner's title (Q20).
    Title,
    /// A step-4 answer (Q12).
    Barrier,
    /// Every cue the lexicon has.
    All,
}

impl Reading {
    fn wants(self, cue: Cue) -> bool {
        use Cue::*;
        match self {
            Reading::Evidence => matches!(
                cue,
                FakeAccessibility
                    | FakeTenure
                    | FakeSatisfaction
                    | FakeGenericContent
                    | FakeDiscount
                    | FakeCaseStudy
                    | FakeVerbalLoyalty
                    | Opinion
                    | AfterPublic
                    | TicketsOnly
                    | Planned
            ),
            Reading::Opinion => cue == Opinion,
            Reading::Plan => {
                matches!(
                    cue,
                    Social | Relational | Operational | VagueAction | VagueEvidence | Opinion
                )
            }
            Reading::Title => matches!(cue, Procurement | ItOperations | Executive),
            Reading::Barrier => matches!(cue, BarrierKnowledge | BarrierMandate | BarrierAccess),
            Reading::All => true,
        }
    }
}

/// One reading's automata: one over the phrases that fold to ASCII (every Latin-script
/// phrase), and a small NFA over the CJK phrases, run only on text that has non-ASCII bytes.
///
/// The split keeps the ASCII automaton's alphabet to a few dozen byte classes, which matters
/// most for the DFA the hot readings use: CJK phrases would multiply its size.
struct Matcher {
    ascii: Part,
    cjk: Part,
}

/// An automaton and what each of its patterns stands for.
///
/// The search loop is our own rather than the crate's `find_overlapping_iter`: per byte it does
/// only a transition and one comparison.
struct Part {
    engine: Engine,
    entries: Vec<Entry>,
}

enum Engine {
    Dfa(dfa::DFA),
    Nfa(contiguous::NFA),
}

/// A pattern of the automaton: its cue and phrase, its folded length in bytes, and which of
/// its ends must sit on a word boundary.
#[derive(Clone, Copy)]
struct Entry {
    cue: Cue,
    phrase: &'static str,
    len: usize,
    bound_start: bool,
    bound_end: bool,
}

impl Part {
    fn new(phrases: Vec<(Cue, &'static str, String)>, dfa: bool) -> Part {
        let patterns: Vec<&str> = phrases.iter().map(|(_, _, f)| f.trim_end_matches('*')).collect();
        let built = "the lexicon's phrases are plain strings, well under the automaton's limits";
        let engine = if dfa {
            let mut builder = dfa::DFA::builder();
            builder.match_kind(MatchKind::Standard).ascii_case_insensitive(true).prefilter(false);
            Engine::Dfa(builder.build(&patterns).expect(built))
        } else {
            let mut builder = contiguous::NFA::builder();
            builder.match_kind(MatchKind::Standard).ascii_case_insensitive(true).prefilter(false);
            Engine::Nfa(builder.build(&patterns).expect(built))
        };
        let entries = phrases
            .iter()
            .zip(&patterns)
            .map(|((cue, phrase, folded), pattern)| Entry {
                cue: *cue,
                phrase,
                len: pattern.len(),
                bound_start: pattern.chars().next().is_some_and(is_word_char),
                bound_end: !folded.ends_with('*')
                    && pattern.chars().next_back().is_some_and(is_word_char),
            })
            .collect();
        Part { engine, entries }
    }

    /// Calls `f` with every match on word boundaries in `haystack`, a folded text or one that
    /// folding would change only in ASCII case: its cue, phrase and span.
    fn each(&self, haystack: &str, f: &mut impl FnMut(Cue, &'static str, usize, usize)) {
        let bytes = haystack.as_bytes();
        let ascii = haystack.is_ascii();
        // Byte checks suffice for ASCII: a letter, a digit or `#` is a word character.
        let joins =
            |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(|&b| is_word_byte(b));
        let mut check = |e: &Entry, start: usize, end: usize| {
            let apart = if ascii {
                let joins_before = e.bound_start && joins(start.checked_sub(1));
                let joins_after = e.bound_end && joins(Some(end));
                !joins_before && !joins_after
            } else {
                on_boundary(haystack, start, end, !e.bound_end)
            };
            if apart {
                f(e.cue, e.phrase, start, end);
            }
        };
        match &self.engine {
            Engine::Dfa(a) => search(a, &self.entries, bytes, &mut check),
            Engine::Nfa(a) => search(a, &self.entries, bytes, &mut check),
        }
    }

    fn memory(&self) -> usize {
        match &self.engine {
            Engine::Dfa(a) => a.memory_usage(),
            Engine::Nfa(a) => a.memory_usage(),
        }
    }
}

/// Every pattern that ends at each byte of `haystack`, with its span. Under the standard match
/// semantics a state's matches are all the patterns ending there, so this finds overlapping
/// matches without the crate's iterator.
fn search<A: Automaton>(
    aut: &A,
    entries: &[Entry],
    haystack: &[u8],
    f: &mut impl FnMut(&Entry, usize, usize),
) {
    let Ok(mut sid) = aut.start_state(Anchored::No) else { return };
    for (at, &byte) in haystack.iter().enumerate() {
        sid = aut.next_state(Anchored::No, sid, byte);
        if aut.is_special(sid) && aut.is_match(sid) {
            for i in 0..aut.match_len(sid) {
                let entry = &entries[aut.match_pattern(sid, i).as_usize()];
                f(entry, at + 1 - entry.len, at + 1);
            }
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'#'
}

impl Matcher {
    fn new(reading: Reading) -> Matcher {
        let (ascii, cjk): (Vec<_>, Vec<_>) = lexicon::PHRASES
            .iter()
            .filter(|(cue, _)| reading.wants(*cue))
            .map(|&(cue, phrase)| (cue, phrase, fold(phrase)))
            .partition(|(_, _, folded)| folded.is_ascii());
        // Evidence and opinion are read in every text of every call: they get the DFA. The
        // others read a few fields per call, where an NFA's smaller size wins.
        let hot = matches!(reading, Reading::Evidence | Reading::Opinion);
        Matcher { ascii: Part::new(ascii, hot), cjk: Part::new(cjk, false) }
    }

    /// Calls `f` with every match in `text`, which is scanned in place when folding would
    /// change nothing but ASCII case.
    fn each(&self, text: &str, mut f: impl FnMut(Cue, &'static str, usize, usize)) {
        let folded;
        let haystack = if needs_fold(text) {
            folded = fold(text);
            folded.as_str()
        } else {
            text
        };
        self.ascii.each(haystack, &mut f);
        if !haystack.is_ascii() {
            self.cjk.each(haystack, &mut f);
        }
    }

    fn scan(&self, text: &str) -> Cues {
        let mut cues = Cues::default();
        self.each(text, |cue, phrase, _, _| cues.record(cue, phrase));
        cues
    }

    fn spans(&self, text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        self.each(text, |cue, _, start, end| out.push(Span { cue, start, end }));
        out
    }

    fn memory(&self) -> usize {
        self.ascii.memory() + self.cjk.memory()
    }
}

/// Whether folding could change `text` beyond ASCII case: non-ASCII characters, digits,
/// control characters, runs of white space, or a backtick.
fn needs_fold(text: &str) -> bool {
    let bytes = text.as_bytes();
    // One pass, no early exit: a branch-free fold over short texts beats a searching loop.
    let (odd, _) = bytes.iter().fold((false, true), |(odd, after_space), &b| {
        let space = b == b' ';
        let strange = !(b' '..0x7F).contains(&b) || b.is_ascii_digit() || b == b'`';
        (odd | strange | (space & after_space), space)
    });
    odd || bytes.last() == Some(&b' ')
}

macro_rules! matchers {
    ($($name:ident => $reading:path,)*) => {
        $(static $name: LazyLock<Matcher> = LazyLock::new(|| Matcher::new($reading));)*

        fn matcher(reading: Reading) -> &'static Matcher {
            match reading {
                $($reading => &$name,)*
            }
        }
    };
}

matchers! {
    EVIDENCE => Reading::Evidence,
    OPINION => Reading::Opinion,
    PLAN => Reading::Plan,
    TITLE => Reading::Title,
    BARRIER => Reading::Barrier,
    ALL => Reading::All,
}

/// The heap size in bytes of the automata the engine uses on every diagnosis (all but the
/// test-only `All`), built if they were not yet, for the memory budget.
pub fn matcher_memory() -> usize {
    [&EVIDENCE, &OPINION, &PLAN, &TITLE, &BARRIER].iter().map(|m| m.memory()).sum()
}

/// Finds every lexicon cue in `text`, whatever it is read for.
pub fn scan(text: &str) -> Cues {
    scan_for(text, Reading::All)
}

/// Where a cue matched: byte offsets into the folded text, comparable with each other only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The cue.
    pub cue: Cue,
    /// Where the match starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
}

impl Span {
    /// Whether this match lies inside `other`.
    pub fn within(&self, other: &Span) -> bool {
        other.start <= self.start && self.end <= other.end
    }
}

/// Every match of the cues `reading` looks for, with where it matched, for rules that need to
/// know whether one phrase sits inside another ("build" inside "build trust").
pub fn spans_for(text: &str, reading: Reading) -> Vec<Span> {
    matcher(reading).spans(text)
}

/// Finds the cues `reading` looks for in `text`.
///
/// A phrase that starts or ends with a Latin letter must sit on a word boundary there, so
/// "call" does not match inside "recall"; a phrase ending in `*` matches any word ending
/// ("discount*" finds "discounted"). CJK phrases match anywhere.
pub fn scan_for(text: &str, reading: Reading) -> Cues {
    matcher(reading).scan(text)
}

/// Whether `phrase` occurs in `text` on word boundaries, both folded first: the matcher for
/// phrases that are not in the built-in lexicon, such as a team's observed rationalizations.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let text = fold(text);
    let phrase = fold(phrase);
    if phrase.is_empty() {
        return false;
    }
    text.match_indices(&phrase).any(|(start, m)| on_boundary(&text, start, start + m.len(), false))
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

    /// The matches the crate's own overlapping search finds in `folded`, filtered by the same
    /// boundary rule: the reference the hand-written loops are held to.
    fn reference(reading: Reading, folded: &str) -> Vec<(Cue, usize, usize)> {
        type Reference = (aho_corasick::AhoCorasick, Vec<(Cue, String)>);
        static BUILT: std::sync::Mutex<Vec<(Reading, &'static Reference)>> =
            std::sync::Mutex::new(Vec::new());
        let mut built = BUILT.lock().unwrap();
        let (automaton, phrases) = match built.iter().find(|(r, _)| *r == reading) {
            Some((_, reference)) => *reference,
            None => {
                let phrases: Vec<_> = lexicon::PHRASES
                    .iter()
                    .filter(|(cue, _)| reading.wants(*cue))
                    .map(|&(cue, phrase)| (cue, fold(phrase)))
                    .collect();
                let automaton = aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(phrases.iter().map(|(_, f)| f.trim_end_matches('*')))
                    .unwrap();
                let reference: &'static Reference = Box::leak(Box::new((automaton, phrases)));
                built.push((reading, reference));
                reference
            }
        };
        drop(built);
        let mut out: Vec<_> = automaton
            .find_overlapping_iter(folded)
            .filter_map(|m| {
                let (cue, phrase) = &phrases[m.pattern().as_usize()];
                on_boundary(folded, m.start(), m.end(), phrase.ends_with('*')).then_some((
                    *cue,
                    m.start(),
                    m.end(),
                ))
            })
            .collect();
        out.sort_unstable();
        out
    }

    fn found(reading: Reading, text: &str) -> Vec<(Cue, usize, usize)> {
        let mut out: Vec<_> =
            spans_for(text, reading).into_iter().map(|s| (s.cue, s.start, s.end)).collect();
        out.sort_unstable();
        out
    }

    fn texts() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let phrase =
            proptest::sample::select(lexicon::PHRASES.iter().map(|(_, p)| *p).collect::<Vec<_>>());
        let noise = "[a-zA-Z0-9 `'#.,/\t\n-]{0,5}|[éÉßñ’]{0,2}|[0-9]{1,4}";
        let token = prop_oneof![
            phrase.clone().prop_map(str::to_owned),
            phrase.prop_map(|p| p.to_uppercase()),
            noise.prop_map(|n| n),
        ];
        proptest::collection::vec(token, 0..10).prop_map(|t| t.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Q34: reading a text folded on the fly finds exactly what folding it first and
        /// running the crate's overlapping search finds, for every reading.
        #[test]
        fn q34_streaming_scan_matches_fold_then_search(text in texts()) {
            for reading in [Reading::Evidence, Reading::Opinion, Reading::Plan, Reading::Title,
                Reading::Barrier, Reading::All]
            {
                proptest::prop_assert_eq!(
                    found(reading, &text),
                    reference(reading, &fold(&text)),
                    "{:?} on {:?}", reading, text
                );
            }
        }
    }

    #[test]
    fn a_phrase_ending_in_a_number_sees_past_the_whole_digit_run() {
        let part = Part::new(vec![(Cue::FakeTenure, "for 5", fold("for 5"))], true);
        let hits = |text: &str| {
            let mut n = 0;
            part.each(&fold(text), &mut |_, _, _, _| n += 1);
            n
        };
        assert_eq!(hits("vendor for 10 years"), 1);
        assert_eq!(hits("vendor for 10"), 1);
        assert_eq!(hits("vendor for 10a"), 0);
        assert_eq!(hits("vendor for 1x0"), 0);
    }

    #[test]
    fn word_count_counts_cjk_characters() {
        assert_eq!(word_count("assign Priya to planning"), 4);
        assert_eq!(word_count("計画会議"), 4);
    }
}
