//! Reading free text the way the method needs it: what counts as blank (Q8, Q34), and which
//! lexicon cues a text contains (Q34), in one pass over the text whatever the language.
//!
//! Meaning comes from the calling assistant's classification; this module only finds the
//! wording the method names (fake moves, opinion, red flags), so the engine can hold the
//! classification to the stricter reading. It never decides a verdict on its own.

use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, MatchKind};

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
/// folded string: the engine compares most texts through this and never copies them.
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
    // A short ASCII text is folded into a buffer on the stack: no allocation per field. Its
    // first three folded bytes rule most texts out before the rest is folded.
    let mut folded = FoldedAscii::new(text.as_bytes(), true);
    let mut buf = [0u8; NIL_MAX_BYTES];
    let mut len = 0;
    for (slot, b) in buf.iter_mut().zip(folded.by_ref()).take(3) {
        *slot = b;
        len += 1;
    }
    if !lexicon::NIL_ANSWERS.may_start_with_bytes([buf[0], buf[1], buf[2]]) {
        return false;
    }
    for (slot, b) in buf[len..].iter_mut().zip(folded) {
        *slot = b;
        len += 1;
    }
    std::str::from_utf8(&buf[..len]).is_ok_and(|f| lexicon::NIL_ANSWERS.contains(f))
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

/// A lexicon phrase, by reference to its entry: a thin pointer keeps [`Cues`] small enough to
/// copy cheaply, since every text scanned returns one.
type Phrase = &'static &'static str;

/// The cues found in one text, each with the first phrase that matched it. A fixed slot per
/// cue: scanning allocates nothing, and iteration comes out in lexicon order.
#[derive(Debug, Clone, Default)]
pub struct Cues {
    found: [Option<Phrase>; Cue::COUNT],
}

impl Cues {
    /// Whether the text matched `cue`.
    pub fn has(&self, cue: Cue) -> bool {
        self.found[cue as usize].is_some()
    }

    /// The phrase that matched `cue`, if any.
    pub fn phrase(&self, cue: Cue) -> Option<&'static str> {
        self.found[cue as usize].copied()
    }

    /// Every cue found, in lexicon order, each once.
    pub fn iter(&self) -> impl Iterator<Item = (Cue, &'static str)> + '_ {
        Cue::ALL.iter().filter_map(|&cue| self.phrase(cue).map(|p| (cue, p)))
    }

    fn record(&mut self, cue: Cue, phrase: Phrase) {
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

/// One reading's automata: a dense table over the phrases that fold to ASCII (every
/// Latin-script phrase), and a small NFA over the CJK phrases, run only on text that has
/// non-ASCII bytes.
///
/// The split keeps the dense table's alphabet to a few dozen byte classes: CJK phrases would
/// multiply its size.
struct Matcher {
    ascii: Dense,
    cjk: Part,
}

/// A pattern of an automaton: its cue and phrase, its folded length in bytes, and which of its
/// ends must sit on a word boundary.
#[derive(Clone, Copy)]
struct Entry {
    cue: Cue,
    phrase: Phrase,
    len: usize,
    bound_start: bool,
    bound_end: bool,
}

/// The automaton's patterns: the phrases as folded, with a trailing `*` removed.
fn patterns(phrases: &[(Cue, Phrase, String)]) -> Vec<&str> {
    phrases.iter().map(|(_, _, folded)| folded.trim_end_matches('*')).collect()
}

/// The entries of `patterns`, the phrases as folded with a trailing `*` removed.
fn entries(phrases: &[(Cue, Phrase, String)], patterns: &[&str]) -> Vec<Entry> {
    phrases
        .iter()
        .zip(patterns)
        .map(|((cue, phrase, folded), pattern)| Entry {
            cue: *cue,
            phrase,
            len: pattern.len(),
            bound_start: pattern.chars().next().is_some_and(is_word_char),
            bound_end: !folded.ends_with('*')
                && pattern.chars().next_back().is_some_and(is_word_char),
        })
        .collect()
}

/// The CJK phrases: the crate's contiguous NFA, searched by our own loop over folded text.
struct Part {
    nfa: contiguous::NFA,
    entries: Vec<Entry>,
}

impl Part {
    fn new(phrases: &[(Cue, Phrase, String)]) -> Part {
        let patterns = patterns(phrases);
        let nfa = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .expect("the lexicon's phrases are plain strings, well under the automaton's limits");
        Part { nfa, entries: entries(phrases, &patterns) }
    }

    /// Calls `f` with every match on word boundaries in `folded`, a folded text.
    fn each(&self, folded: &str, f: &mut impl FnMut(Cue, Phrase, usize, usize)) {
        let Ok(mut sid) = self.nfa.start_state(Anchored::No) else { return };
        for (at, &byte) in folded.as_bytes().iter().enumerate() {
            sid = self.nfa.next_state(Anchored::No, sid, byte);
            if !self.nfa.is_match(sid) {
                continue;
            }
            // Under the standard match semantics a state's matches are all the patterns that
            // end there, so this finds overlapping matches.
            for i in 0..self.nfa.match_len(sid) {
                let e = &self.entries[self.nfa.match_pattern(sid, i).as_usize()];
                let (start, end) = (at + 1 - e.len, at + 1);
                if on_boundary(folded, start, end, !e.bound_end) {
                    f(e.cue, e.phrase, start, end);
                }
            }
        }
    }

    fn memory(&self) -> usize {
        self.nfa.memory_usage()
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'#'
}

/// A reading's Latin-script phrases as a dense transition table over raw bytes, with the
/// folding built in: the table's byte classes make upper and lower case one, any ASCII digit
/// stand for `#`, white space and control characters stand for a space, and a backtick for an
/// apostrophe; shadow rows (see [`Dense::new`]) fold away the rest of a digit or space run. So
/// ASCII text, nearly all text, is scanned as written, and never copied or folded first.
///
/// The table is built once from the crate's contiguous NFA (cheap to build), by following its
/// transitions from the start state over every class: each state's row then holds the NFA's
/// answer with the failure links already followed, so a step is one lookup. Rows are
/// premultiplied by the class count and the states with matches come first, so the loop does
/// per byte a class lookup, a table lookup and one comparison.
struct Dense {
    classes: [u8; 256],
    stride: u32,
    /// `trans[state + class]`: the next state, premultiplied.
    trans: Vec<u32>,
    start: u32,
    /// States below this have matches.
    match_limit: u32,
    /// For the match state `s`, `matches[bounds[s / stride]..bounds[s / stride + 1]]`.
    bounds: Vec<u32>,
    matches: Vec<u32>,
    entries: Vec<Entry>,
}

/// The class of ASCII digits, which stand for `#`.
const DIGITS: u8 = 0;
/// The class of white space and control characters, which stand for a space.
const SPACES: u8 = 1;

impl Dense {
    fn new(phrases: &[(Cue, Phrase, String)]) -> Dense {
        let Part { nfa, entries } = Part::new(phrases);
        let patterns = patterns(phrases);
        // One class per byte the (lower-case) patterns use; every other byte is one class too.
        let mut classes = [u8::MAX; 256];
        let mut representative = vec![b'#', b' '];
        for &b in patterns.iter().flat_map(|p| p.as_bytes()) {
            if b != b'#' && b != b' ' && classes[usize::from(b)] == u8::MAX {
                classes[usize::from(b)] = u8::try_from(representative.len()).unwrap_or(u8::MAX);
                representative.push(b);
            }
        }
        let other = u8::try_from(representative.len()).unwrap_or(u8::MAX);
        representative.push(0);
        let pattern_class = |b: u8| classes[usize::from(b)];
        let mut table = [other; 256];
        for b in 0..=255u8 {
            table[usize::from(b)] = match b {
                b'0'..=b'9' => DIGITS,
                b' ' => SPACES,
                b if b.is_ascii_whitespace() || b.is_ascii_control() => SPACES,
                b'`' if pattern_class(b'\'') != u8::MAX => pattern_class(b'\''),
                b'A'..=b'Z' if pattern_class(b.to_ascii_lowercase()) != u8::MAX => {
                    pattern_class(b.to_ascii_lowercase())
                }
                b if pattern_class(b) != u8::MAX => pattern_class(b),
                _ => other,
            };
        }
        // `#` as written in the text is its own character, not a digit run.
        table[usize::from(b'#')] = if patterns.iter().any(|p| p.contains('#')) {
            let class = u8::try_from(representative.len()).unwrap_or(u8::MAX);
            representative.push(b'#');
            class
        } else {
            other
        };
        let stride = representative.len();

        // Every state reachable from the start, match states first.
        let Ok(start) = nfa.start_state(Anchored::No) else {
            unreachable!("an unanchored NFA has an unanchored start state")
        };
        let mut order = vec![start];
        let mut position = std::collections::HashMap::from([(start, 0usize)]);
        let mut i = 0;
        while i < order.len() {
            let sid = order[i];
            for &b in &representative {
                let next = nfa.next_state(Anchored::No, sid, b);
                position.entry(next).or_insert_with(|| {
                    order.push(next);
                    order.len() - 1
                });
            }
            i += 1;
        }
        // Rows over the NFA's states in discovery order, then a shadow row for every state a
        // digit or a space leads to: the same row but for that class, which stays put, so the
        // rest of a run folds away in the table and the loop needs no check for it.
        // One flat vector of rows, `stride` entries each: the construction's peak memory is the
        // server's, and a vector per row cost twice the table it becomes.
        let index = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut rows: Vec<u32> = Vec::with_capacity(order.len() * stride * 2);
        for &sid in &order {
            for &b in &representative {
                rows.push(index(position[&nfa.next_state(Anchored::No, sid, b)]));
            }
        }
        drop(position);
        let at_cell = |row: usize, class: u8| row * stride + usize::from(class);
        let mut origin: Vec<usize> = (0..order.len()).collect();
        let originals = order.len();
        let mut shadow = std::collections::HashMap::new();
        for run in [DIGITS, SPACES] {
            for row in 0..originals {
                let target = rows[at_cell(row, run)] as usize;
                shadow.entry((target, run)).or_insert_with(|| {
                    rows.extend_from_within(target * stride..(target + 1) * stride);
                    origin.push(target);
                    rows.len() / stride - 1
                });
            }
        }
        let shadowed: std::collections::HashMap<usize, u8> =
            shadow.iter().map(|(&(_, run), &row)| (row, run)).collect();
        let total = rows.len() / stride;
        for row in 0..total {
            for run in [DIGITS, SPACES] {
                let target = rows[at_cell(origin[row], run)] as usize;
                rows[at_cell(row, run)] = if shadowed.get(&row) == Some(&run) {
                    index(row)
                } else {
                    index(shadow[&(origin[target], run)])
                };
            }
        }
        // Match states first, so one comparison tells a match; rows premultiplied by the
        // stride, so a step is one addition and one lookup.
        let mut sorted: Vec<usize> = (0..total).collect();
        sorted.sort_by_key(|&row| !nfa.is_match(order[origin[row]]));
        let mut new_of = vec![0usize; total];
        for (i, &row) in sorted.iter().enumerate() {
            new_of[row] = i;
        }
        let (mut bounds, mut matches) = (vec![0u32], Vec::new());
        for &row in &sorted {
            let sid = order[origin[row]];
            if nfa.is_match(sid) {
                matches.extend((0..nfa.match_len(sid)).map(|i| nfa.match_pattern(sid, i).as_u32()));
                bounds.push(index(matches.len()));
            }
        }
        drop(nfa);
        // The rows move to their sorted places in the same vector, a cycle of the permutation
        // at a time, and each entry becomes its target's premultiplied place: a second table
        // would double the construction's peak.
        let mut trans = rows;
        let (mut carried, mut displaced) = (vec![0u32; stride], vec![0u32; stride]);
        let mut placed = vec![false; total];
        for first in 0..total {
            if placed[first] {
                continue;
            }
            carried.copy_from_slice(&trans[first * stride..(first + 1) * stride]);
            let mut row = first;
            loop {
                placed[row] = true;
                let to = new_of[row];
                let slot = &mut trans[to * stride..(to + 1) * stride];
                displaced.copy_from_slice(slot);
                slot.copy_from_slice(&carried);
                std::mem::swap(&mut carried, &mut displaced);
                row = to;
                if row == first {
                    break;
                }
            }
        }
        for next in &mut trans {
            *next = index(new_of[*next as usize] * stride);
        }
        let at = |row: usize| index(new_of[row] * stride);
        let match_limit = ((bounds.len() - 1) * stride) as u32;
        Dense {
            classes: table,
            stride: stride as u32,
            trans,
            start: at(0),
            match_limit,
            bounds,
            matches,
            entries,
        }
    }

    /// Calls `f` with every match on word boundaries in `text`, read as folded: raw ASCII text,
    /// or a text already folded (which may then hold other characters, checked as characters).
    /// In raw text a match that ends in a digit run is reported at each of its digits, always
    /// with the same start; a folded text has no such runs.
    fn each(&self, text: &str, ascii: bool, f: &mut impl FnMut(Cue, Phrase, usize, usize)) {
        let bytes = text.as_bytes();
        let (mut sid, mut at) = (self.start, 0);
        while let Some(end) = self.run(bytes, at, &mut sid) {
            self.report(text, ascii, sid, end, &mut *f);
            at = end;
        }
    }

    /// Steps the table from `sid` over `bytes[from..]` to the next match state, and returns
    /// where that match ends. The loop is kept apart from the reporting so its few values
    /// stay in registers: a class lookup, an addition, a table lookup and a comparison a byte.
    #[inline(never)]
    fn run(&self, bytes: &[u8], from: usize, sid: &mut u32) -> Option<usize> {
        let (classes, trans, limit) = (&self.classes, self.trans.as_slice(), self.match_limit);
        let step = |state: u32, b: u8| trans[(state + u32::from(classes[usize::from(b)])) as usize];
        let mut state = *sid;
        let rest = bytes.get(from..).unwrap_or_default();
        // Four bytes a round: one loop test for four steps. Every step still checks for a match
        // state, since a match must be reported where it ends.
        let mut quads = rest.chunks_exact(4);
        let mut at = from;
        for quad in quads.by_ref() {
            for (k, &b) in quad.iter().enumerate() {
                state = step(state, b);
                if state < limit {
                    *sid = state;
                    return Some(at + k + 1);
                }
            }
            at += 4;
        }
        for (k, &b) in quads.remainder().iter().enumerate() {
            state = step(state, b);
            if state < limit {
                *sid = state;
                return Some(at + k + 1);
            }
        }
        *sid = state;
        None
    }

    #[cold]
    fn report(
        &self,
        text: &str,
        ascii: bool,
        sid: u32,
        end: usize,
        f: &mut impl FnMut(Cue, Phrase, usize, usize),
    ) {
        let row = (sid / self.stride) as usize;
        let bytes = text.as_bytes();
        for &m in &self.matches[self.bounds[row] as usize..self.bounds[row + 1] as usize] {
            let e = &self.entries[m as usize];
            let apart = if ascii {
                let start = self.raw_start(bytes, end, e.len);
                // The folded byte after the match: past the rest of a digit run its `#` ends on.
                let skip = if bytes[end - 1].is_ascii_digit() {
                    bytes[end..].iter().take_while(|b| b.is_ascii_digit()).count()
                } else {
                    0
                };
                let joins_before = e.bound_start && start > 0 && is_word_byte(bytes[start - 1]);
                let joins_after =
                    e.bound_end && bytes.get(end + skip).is_some_and(|&b| is_word_byte(b));
                (!joins_before && !joins_after).then_some(start)
            } else {
                let start = end - e.len;
                on_boundary(text, start, end, !e.bound_end).then_some(start)
            };
            if let Some(start) = apart {
                f(e.cue, e.phrase, start, end);
            }
        }
    }

    /// Where in raw ASCII `bytes` a match of `len` folded bytes ending at `end` starts: each
    /// digit or space run counts once, as folding writes it.
    fn raw_start(&self, bytes: &[u8], end: usize, len: usize) -> usize {
        let mut at = end;
        for _ in 0..len {
            let Some(prev) = at.checked_sub(1) else { break };
            at = prev;
            let class = self.classes[usize::from(bytes[at])];
            if class <= SPACES {
                while at > 0 && self.classes[usize::from(bytes[at - 1])] == class {
                    at -= 1;
                }
            }
        }
        at
    }

    fn memory(&self) -> usize {
        (self.trans.len() + self.matches.len() + self.bounds.len()) * 4
    }
}

impl Matcher {
    fn new(reading: Reading) -> Matcher {
        let (ascii, cjk): (Vec<_>, Vec<_>) = lexicon::PHRASES
            .iter()
            .filter(|(cue, _)| reading.wants(*cue))
            .map(|(cue, phrase)| (*cue, phrase, fold(phrase)))
            .partition(|(_, _, folded)| folded.is_ascii());
        Matcher { ascii: Dense::new(&ascii), cjk: Part::new(&cjk) }
    }

    /// Calls `f` with every match in `text`: ASCII text is read as it is written, any other
    /// text is folded first. Spans are byte offsets into the text that was read.
    fn each(&self, text: &str, mut f: impl FnMut(Cue, Phrase, usize, usize)) {
        if text.is_ascii() {
            self.ascii.each(text, true, &mut f);
        } else {
            self.each_folded(&fold(text), f);
        }
    }

    /// [`Matcher::each`] over a text already folded.
    fn each_folded(&self, folded: &str, mut f: impl FnMut(Cue, Phrase, usize, usize)) {
        let ascii = folded.is_ascii();
        self.ascii.each(folded, ascii, &mut f);
        if !ascii {
            self.cjk.each(folded, &mut f);
        }
    }

    fn scan(&self, text: &str) -> Cues {
        let mut cues = Cues::default();
        self.each(text, |cue, phrase, _, _| cues.record(cue, phrase));
        cues
    }

    fn spans(&self, text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        self.each_folded(&fold(text), |cue, _, start, end| out.push(Span { cue, start, end }));
        out
    }

    fn memory(&self) -> usize {
        self.ascii.memory() + self.cjk.memory()
    }
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

/// Finds the cues `reading` looks for in several texts read as one set of fields (an item's
/// text and its `what`, say): each is scanned on its own, the cues are collected together.
pub fn scan_fields<'a>(texts: impl IntoIterator<Item = &'a str>, reading: Reading) -> Cues {
    let matcher = matcher(reading);
    let mut cues = Cues::default();
    for text in texts {
        matcher.each(text, |cue, phrase, _, _| cues.record(cue, phrase));
    }
    cues
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
                let expected = reference(reading, &fold(&text));
                proptest::prop_assert_eq!(
                    found(reading, &text), expected.clone(), "{:?} on {:?}", reading, text
                );
                // The raw-text path of `scan_for` finds the same cues as reading the text
                // folded.
                let mut cues: Vec<Cue> = scan_for(&text, reading).iter().map(|(c, _)| c).collect();
                let mut wanted: Vec<Cue> = expected.iter().map(|(c, _, _)| *c).collect();
                cues.sort_unstable();
                wanted.sort_unstable();
                wanted.dedup();
                proptest::prop_assert_eq!(cues, wanted, "scan_for {:?} on {:?}", reading, text);
            }
        }
    }

    #[test]
    fn a_phrase_ending_in_a_number_sees_past_the_whole_digit_run() {
        let dense = Dense::new(&[(Cue::FakeTenure, &"for 5", fold("for 5"))]);
        // A match that ends in a digit run is reported at each digit, with the same start.
        let hits = |text: &str| {
            let mut starts = Vec::new();
            dense.each(text, true, &mut |_, _, start, _| starts.push(start));
            starts.dedup();
            starts.len()
        };
        assert_eq!(hits("vendor  FOR \t 2026 years"), 1);
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
