//! Compiled phrase matcher behind `streams.tagging.matcher.Matcher` (module `streams._core`).
//!
//! One Aho-Corasick automaton (contiguous NFA) over every key, scanned over the UTF-8 bytes of
//! the folded text; the case, word-boundary, proclitic and stem rules are applied here, per hit,
//! exactly as the reference implementation in matcher.py applies them. What counts as a letter,
//! a word character or a capital is Python's own answer (a table computed by the caller for the
//! Basic Multilingual Plane, a callback beyond it), so both implementations agree on every
//! character. Offsets are code-point offsets, as Python slices strings.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyIndexError;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple, PyType};

const WORD: u8 = 1; // str.isalnum() or an Indic vowel sign (matcher._word_char)
const TAIL: u8 = 2; // str.isalpha() or an Indic vowel sign (matcher._tail_char)
const UPPER: u8 = 4; // str.isupper()

struct Key {
    chars: usize, // length in code points
    cjk: bool,    // no word boundaries around it
    family: u8,   // the order the reference reports hits in: latin, cyrillic, other
    rules: std::ops::Range<usize>,
}

struct Rule {
    phrase: Py<PyAny>,
    exact: Option<Vec<char>>,
    stem: bool,
    cap: bool,
    cap_at: usize,
    lang: Option<String>, // the phrase's language, where its layer belongs to one (matcher.LANGUAGE_LAYERS)
}

#[pyclass(frozen, module = "streams._core")]
struct Core {
    automaton: Option<AhoCorasick>,
    keys: Vec<Key>,
    rules: Vec<Rule>,
    flags: Vec<u8>,
    slow_flags: Py<PyAny>,
    arabic: HashSet<String>,
    hebrew: HashSet<String>,
    max_stem_tail: usize,
}

struct Text<'a> {
    py: Python<'a>,
    core: &'a Core,
}

impl Text<'_> {
    fn flags(&self, ch: char) -> PyResult<u8> {
        let o = ch as usize;
        if o < self.core.flags.len() {
            return Ok(self.core.flags[o]);
        }
        self.core.slow_flags.bind(self.py).call1((ch,))?.extract()
    }
    fn word(&self, ch: char) -> PyResult<bool> {
        Ok(self.flags(ch)? & WORD != 0)
    }
    fn tail(&self, ch: char) -> PyResult<bool> {
        Ok(self.flags(ch)? & TAIL != 0)
    }

    /// An Arabic or Hebrew phrase may start after a proclitic written onto it ("وال" + "تصعيد").
    fn proclitic(&self, folded: &[char], start: usize) -> PyResult<bool> {
        let first = folded[start];
        let (lo, hi, table) = if ('\u{0600}'..='\u{06ff}').contains(&first) {
            ('\u{0600}', '\u{06ff}', &self.core.arabic)
        } else if ('\u{05d0}'..='\u{05ea}').contains(&first) {
            ('\u{05d0}', '\u{05ea}', &self.core.hebrew)
        } else {
            return Ok(false);
        };
        let mut i = start;
        while i > 0 && start - i < 3 && lo <= folded[i - 1] && folded[i - 1] <= hi {
            i -= 1;
        }
        if i > 0 && self.word(folded[i - 1])? {
            return Ok(false);
        }
        let prefix: String = folded[i..start].iter().collect();
        Ok(table.contains(&prefix))
    }
}

/// A `hit` tuple (start, end, phrase): `hit` is a tuple subclass without instance attributes (a
/// NamedTuple), so it is allocated and filled as `tuple.__new__(hit, (start, end, phrase))` does
/// (tuple_subtype_new in CPython), without building the argument tuples or calling through Python.
fn new_hit<'py>(hit: &Bound<'py, PyType>, start: usize, end: usize, phrase: &Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = hit.py();
    let start = start.into_pyobject(py)?.into_any();
    let end = end.into_pyobject(py)?.into_any();
    let phrase = phrase.clone_ref(py).into_bound(py);
    // SAFETY: `hit` is a subtype of tuple (checked by the caller once per scan); tp_alloc of a tuple
    // subtype returns a tuple of three NULL slots (or NULL with an exception set), which are filled
    // here with owned references before the object is handed out.
    unsafe {
        let tp = hit.as_type_ptr();
        let slot = pyo3::ffi::PyType_GetSlot(tp, pyo3::ffi::Py_tp_alloc);
        let alloc: pyo3::ffi::allocfunc =
            if slot.is_null() { pyo3::ffi::PyType_GenericAlloc } else { std::mem::transmute(slot) };
        let obj = alloc(tp, 3);
        if obj.is_null() {
            return Err(PyErr::fetch(py));
        }
        let obj = Bound::from_owned_ptr(py, obj); // released (with what was set) on an error below
        for (i, item) in [start, end, phrase].into_iter().enumerate() {
            // steals `item`, even when it fails; the object is fresh, so it cannot fail
            if pyo3::ffi::PyTuple_SetItem(obj.as_ptr(), i as pyo3::ffi::Py_ssize_t, item.into_ptr()) != 0 {
                return Err(PyErr::fetch(py));
            }
        }
        Ok(obj)
    }
}

#[pymethods]
impl Core {
    /// `keys`: (key, cjk, family, [(phrase, exact or None, stem, cap, cap_at, lang or None), ...]) in
    /// the order the reference scans them, lang only for phrases of a language's own layers;
    /// `flags`: WORD|TAIL|UPPER per code point of the BMP;
    /// `slow_flags(ch) -> int` for the rest.
    #[new]
    #[allow(clippy::type_complexity)]
    fn new(
        keys: Vec<(String, bool, u8, Vec<(Py<PyAny>, Option<String>, bool, bool, usize, Option<String>)>)>,
        flags: Vec<u8>,
        slow_flags: Py<PyAny>,
        arabic: HashSet<String>,
        hebrew: HashSet<String>,
        max_stem_tail: usize,
    ) -> PyResult<Self> {
        let mut patterns = Vec::with_capacity(keys.len());
        let mut infos = Vec::with_capacity(keys.len());
        let mut rules = Vec::new();
        for (key, cjk, family, bucket) in keys {
            if key.is_empty() {
                return Err(PyValueError::new_err("empty matcher key"));
            }
            let first = rules.len();
            for (phrase, exact, stem, cap, cap_at, lang) in bucket {
                rules.push(Rule { phrase, exact: exact.map(|e| e.chars().collect()), stem, cap, cap_at, lang });
            }
            infos.push(Key { chars: key.chars().count(), cjk, family, rules: first..rules.len() });
            patterns.push(key);
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?,
            )
        };
        Ok(Core { automaton, keys: infos, rules, flags, slow_flags, arabic, hebrew, max_stem_tail })
    }

    /// Every phrase occurrence in `text` (whose 1:1 case fold is `folded`) that respects the
    /// case, boundary and stem rules, as `hit` tuples (start, end, phrase) in the reference's order;
    /// with `lang`, not the phrases of another language's own layers.
    #[pyo3(signature = (text, folded, hit, lang=None))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        folded: &str,
        hit: &Bound<'py, PyType>,
        lang: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        if !hit.is_subclass_of::<PyTuple>()? {
            return Err(PyValueError::new_err("hit must be a tuple subclass"));
        }
        let Some(automaton) = &self.automaton else { return Ok(out) };
        let tchars: Vec<char> = text.chars().collect();
        let fchars: Vec<char> = folded.chars().collect();
        if tchars.len() != fchars.len() {
            return Err(PyValueError::new_err("folded text must have the text's length"));
        }
        // byte offset in `folded` -> code-point offset (matches always start and end on a char boundary)
        let mut at = vec![0usize; folded.len() + 1];
        let mut ci = 0usize;
        for (bi, _) in folded.char_indices() {
            at[bi] = ci;
            ci += 1;
        }
        at[folded.len()] = ci;
        // (family, end, start, key): the reference reports one automaton after another, by end,
        // longest first
        let mut found: Vec<(u8, usize, usize, usize)> = automaton
            .find_overlapping_iter(folded)
            .map(|m| {
                let k = m.pattern().as_usize();
                (self.keys[k].family, at[m.end()], at[m.start()], k)
            })
            .collect();
        found.sort_unstable();
        let ctx = Text { py, core: self };
        let n = fchars.len();
        for (_, end, start, k) in found {
            let key = &self.keys[k];
            debug_assert_eq!(end - start, key.chars);
            if !key.cjk && start > 0 && ctx.word(fchars[start - 1])? && !ctx.proclitic(&fchars, start)? {
                continue;
            }
            // "de l'" + "Ukraine": an elided article ends a word by itself
            let surface_ok_end = key.cjk || end >= n || !ctx.word(fchars[end])? || fchars[end - 1] == '\'';
            for rule in &self.rules[key.rules.clone()] {
                if let (Some(want), Some(own)) = (lang, &rule.lang) {
                    if want != own {
                        continue;
                    }
                }
                if rule.cap && ctx.flags(tchars[start + rule.cap_at])? & UPPER == 0 {
                    continue;
                }
                if rule.stem {
                    let mut stop = end;
                    let limit = n.min(end + self.max_stem_tail);
                    while stop < limit && ctx.tail(fchars[stop])? {
                        stop += 1;
                    }
                    if stop < n && ctx.tail(fchars[stop])? {
                        continue;
                    }
                    out.append(new_hit(hit, start, stop, &rule.phrase)?)?;
                } else if surface_ok_end {
                    if let Some(exact) = &rule.exact {
                        if tchars[start..end] != exact[..] {
                            continue;
                        }
                    }
                    out.append(new_hit(hit, start, end, &rule.phrase)?)?;
                }
            }
        }
        Ok(out)
    }

    /// Number of keys in the automaton.
    #[getter]
    fn size(&self) -> usize {
        self.keys.len()
    }
}

/// `matcher.longest_first` (the reference) over a list of hits, tuples that open with start and end:
/// non-overlapping hits where the longest wins and ties go to the leftmost (then to the earlier in
/// the list), in the order of their starts.
#[pyfunction]
fn longest_first<'py>(py: Python<'py>, hits: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
    let mut items: Vec<(usize, usize, Bound<'py, PyAny>)> = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let pair = hit.downcast::<PyTuple>()?;
        let start: usize = pair.get_item(0)?.extract()?;
        let end: usize = pair.get_item(1)?.extract()?;
        items.push((start, end, hit));
    }
    // longest first, then leftmost; a stable sort keeps the list's order among equal spans
    items.sort_by_key(|(start, end, _)| (*start as i64 - *end as i64, *start));
    let limit = items.iter().map(|(_, end, _)| *end).max().unwrap_or(0);
    let mut taken = vec![false; limit];
    let mut chosen = Vec::with_capacity(items.len());
    for (start, end, hit) in items {
        if start <= end && !taken[start..end].contains(&true) {
            taken[start..end].fill(true);
            chosen.push((start, hit));
        } else if start > end {
            chosen.push((start, hit)); // an empty span overlaps nothing (as in the reference)
        }
    }
    chosen.sort_by_key(|(start, _)| *start);
    PyList::new(py, chosen.into_iter().map(|(_, hit)| hit))
}

/// py3langid's `visit_counts(nm, rowbase, out, text)` (the byte walk of its feature automaton) over
/// the model's own arrays, read in place: `nextmove` (array 'I'), `rowbase` (the rows' offsets,
/// already shifted, array 'Q'), `output` (a feature per state or -1, array 'q'). The feature counts as
/// a dict in the order of each feature's first visit, as `Counter(indexes)` holds them (the order
/// the scores are then summed in); None when no feature is visited.
#[pyfunction]
fn visit_counts<'py>(
    py: Python<'py>,
    nextmove: PyBuffer<u32>,
    rowbase: PyBuffer<u64>,
    output: PyBuffer<i64>,
    text: &[u8],
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let (Some(nm), Some(rows), Some(out)) = (nextmove.as_slice(py), rowbase.as_slice(py), output.as_slice(py)) else {
        return Err(PyValueError::new_err("the automaton's arrays must be contiguous"));
    };
    let outside = || PyIndexError::new_err("array index out of range");
    let mut order: Vec<(i64, u64)> = Vec::new();
    let mut slot: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut state = 0usize;
    for &letter in text {
        let at = rows.get(state).ok_or_else(outside)?.get() as usize + letter as usize;
        state = nm.get(at).ok_or_else(outside)?.get() as usize;
        let feature = out.get(state).ok_or_else(outside)?.get();
        if feature >= 0 {
            let i = *slot.entry(feature).or_insert_with(|| {
                order.push((feature, 0));
                order.len() - 1
            });
            order[i].1 += 1;
        }
    }
    if order.is_empty() {
        return Ok(None);
    }
    let counts = PyDict::new(py);
    for (feature, count) in order {
        counts.set_item(feature, count)?;
    }
    Ok(Some(counts))
}

/// `visit_counts` over the automaton with each state's row offset and feature side by side
/// (`states`, array 'i': `[rowbase(0), output(0), rowbase(1), output(1), ...]`, 0.8 MB, so a step
/// reads one cache line there besides its transition), returning what `_sparse_score` makes of the
/// counts, in first-visit order: the features (native `intp`), their counts (float32) and the
/// features' rows of the weight `table` (float32, `width` per row, C order: `table[features]`),
/// each as bytes. None when no feature is visited.
#[pyfunction]
fn visit_arrays<'py>(
    py: Python<'py>,
    nextmove: PyBuffer<u32>,
    states: PyBuffer<i32>,
    table: PyBuffer<f32>,
    width: usize,
    text: &[u8],
) -> PyResult<Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)>> {
    let (Some(nm), Some(st), Some(weights)) = (nextmove.as_slice(py), states.as_slice(py), table.as_slice(py)) else {
        return Err(PyValueError::new_err("the automaton's arrays must be contiguous"));
    };
    let outside = || PyIndexError::new_err("array index out of range");
    let mut features: Vec<i64> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut slot: std::collections::HashMap<i64, usize, FeatureHash> = std::collections::HashMap::default();
    let mut state = 0usize;
    for &letter in text {
        let base = st.get(2 * state).ok_or_else(outside)?.get();
        let at = usize::try_from(base).map_err(|_| outside())? + letter as usize;
        state = nm.get(at).ok_or_else(outside)?.get() as usize;
        let feature = i64::from(st.get(2 * state + 1).ok_or_else(outside)?.get());
        if feature >= 0 {
            let i = *slot.entry(feature).or_insert_with(|| {
                features.push(feature);
                counts.push(0);
                features.len() - 1
            });
            counts[i] += 1;
        }
    }
    if features.is_empty() {
        return Ok(None);
    }
    let mut idx: Vec<u8> = Vec::with_capacity(features.len() * std::mem::size_of::<isize>());
    let mut cnt: Vec<u8> = Vec::with_capacity(counts.len() * 4);
    let mut rows: Vec<u8> = Vec::with_capacity(features.len() * width * 4);
    for (&f, &c) in features.iter().zip(counts.iter()) {
        idx.extend_from_slice(&(f as isize).to_ne_bytes());
        cnt.extend_from_slice(&(c as f32).to_ne_bytes());
        let row = weights.get(f as usize * width..(f as usize + 1) * width).ok_or_else(outside)?;
        for w in row {
            rows.extend_from_slice(&w.get().to_ne_bytes());
        }
    }
    Ok(Some((PyBytes::new(py, &idx), PyBytes::new(py, &cnt), PyBytes::new(py, &rows))))
}

/// A multiplicative hash for feature ids (small non-negative integers): SipHash's resistance to
/// chosen keys is not needed for the model's own ids, and it costs more than the walk's step.
#[derive(Default, Clone, Copy)]
struct FeatureHash;

struct FeatureHasher(u64);

impl std::hash::BuildHasher for FeatureHash {
    type Hasher = FeatureHasher;
    fn build_hasher(&self) -> FeatureHasher {
        FeatureHasher(0)
    }
}

impl std::hash::Hasher for FeatureHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7cc1_b727_220a_95);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// zlib.crc32 (CRC-32/ISO-HDLC: reflected polynomial 0xEDB88320, initial and final xor all ones).
fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        t
    });
    let mut c = !0u32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// `fingerprint.reference_simhash` of a text, given as the UTF-8 bytes of its case fold with the
/// Unicode separators already made spaces: words are the runs of bytes between ASCII whitespace and
/// ASCII punctuation (as `bytes.translate` + `bytes.split` cut them); each word's crc32, each pair of
/// neighbours mixed to 64 bits (MurmurHash3's finaliser), every bit the majority vote of that bit
/// over all pairs. The fingerprint as an integer; None for a text without words.
#[pyfunction]
fn simhash(data: &[u8]) -> Option<u64> {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    const M1: u64 = 0xFF51_AFD7_ED55_8CCD;
    const M2: u64 = 0xC4CE_B9FE_1A85_EC53;
    let separator = |b: &u8| {
        matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 33..=47 | 58..=64 | 91..=96 | 123..=126)
    };
    let mut w: Vec<u64> = data.split(separator).filter(|word| !word.is_empty()).map(|word| crc32(word) as u64).collect();
    if w.is_empty() {
        return None;
    }
    while w.len() < 2 {
        w.push(0); // a text of one word is one shingle (the word and nothing)
    }
    let n = w.len() - 1;
    // Bits counted eight at a time: lane j of lanes[k] counts bit 8*j + k, flushed before a lane overflows.
    const LOW: u64 = 0x0101_0101_0101_0101;
    let mut counts = [0usize; 64];
    let mut lanes = [0u64; 8];
    let flush = |lanes: &mut [u64; 8], counts: &mut [usize; 64]| {
        for (k, lane) in lanes.iter_mut().enumerate() {
            for j in 0..8 {
                counts[8 * j + k] += ((*lane >> (8 * j)) & 0xff) as usize;
            }
            *lane = 0;
        }
    };
    for (i, pair) in w.windows(2).enumerate() {
        let mut h = pair[0].wrapping_mul(K1).wrapping_add(pair[1].wrapping_mul(K2));
        h ^= h >> 33;
        h = h.wrapping_mul(M1);
        h ^= h >> 33;
        h = h.wrapping_mul(M2);
        h ^= h >> 33;
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += (h >> k) & LOW;
        }
        if i % 255 == 254 {
            flush(&mut lanes, &mut counts);
        }
    }
    flush(&mut lanes, &mut counts);
    Some(counts.iter().enumerate().fold(0u64, |acc, (bit, &c)| if c * 2 > n { acc | (1 << bit) } else { acc }))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Core>()?;
    m.add_function(wrap_pyfunction!(longest_first, m)?)?;
    m.add_function(wrap_pyfunction!(simhash, m)?)?;
    m.add_function(wrap_pyfunction!(visit_counts, m)?)?;
    m.add_function(wrap_pyfunction!(visit_arrays, m)?)?;
    Ok(())
}
