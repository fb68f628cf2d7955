//! Reading an X12 file, the same way for the 837 reader, the 999 and the 277CA, so that
//! the three agree on what was read: the file's interchanges as x12-types parses them, up
//! to the first that cannot be read, and where and why reading stopped there.
//!
//! Every segment of an interchange is checked before x12-types sees it. Its derived
//! segment parsers panic on a segment with fewer elements than its last mandatory one
//! (`DTP*472*D8~`: X12 lets a sender leave trailing elements out, and a missing DTP03 is
//! a common provider error), and they end an element, silently, at a character outside
//! ASCII (`CLM*O’BRIEN-7*120***11:B:7~` would read as CLM01 `O` with no CLM05, a
//! replacement taken for an original). Such a segment stops the reading at its place
//! (999 IK3 and IK4), never the run, and no claim is read from a truncated segment.

use crate::x837::{normalize, segment_at};
use crate::x837p::_837;
use nom::combinator::{opt, peek};
use nom::{IResult, Parser as _};
use x12_types::util::Parser as _;
use x12_types::v005010::{FunctionalGroup, Transmission, GE, GS, IEA, ISA, ST};

/// The fewest elements each segment of the 837P grammar and its envelope must have:
/// its last mandatory element (x12-types 0.12's structs; a segment not listed here has
/// at most its first element mandatory, which is never missing).
const MIN_ELEMENTS: &[(&str, usize)] = &[
    ("AMT", 2),
    ("BHT", 2),
    ("CAS", 3),
    ("CR6", 2),
    ("CR7", 3),
    ("CR8", 9),
    ("CRC", 3),
    ("CUR", 2),
    ("DN2", 6),
    ("DTP", 3),
    ("GE", 2),
    ("GS", 8),
    ("HL", 3),
    ("IEA", 2),
    ("ISA", 16),
    ("LIN", 3),
    ("NM1", 2),
    ("NTE", 2),
    ("PS1", 2),
    ("SE", 2),
    ("ST", 2),
    ("SV5", 3),
    ("SV7", 5),
    ("SVD", 2),
];

/// An X12 file as read.
pub struct Received {
    /// The file's text with `*` between elements and `~` and a newline after each
    /// segment ([`normalize`]).
    pub text: String,
    /// ISA06 of its first interchange.
    pub sender: Option<String>,
    /// Its interchanges, up to the first that cannot be read.
    pub interchanges: Vec<(ISA, Transmission<_837>)>,
    /// Where and why reading stopped before the end, if it did.
    pub stop: Option<Stop>,
}

/// Where and why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The segment's number in the file (the first ISA is 1).
    pub position: usize,
    /// The elements of the functional group (GS) and transaction set (ST) it stopped in,
    /// as written, if it got that far.
    pub group: Option<Vec<String>>,
    pub set: Option<Vec<String>>,
    /// The segment's number in its transaction set (ST is 1), if inside one.
    pub in_set: Option<usize>,
    pub error: StopError,
}

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopError {
    /// The interchange's first transaction set is no 837P (005010X222A2).
    NotSupported,
    /// A segment the 837P grammar has no place for there.
    Segment(String),
    /// A segment without element `element`, which it must have (999 IK4 code 1).
    MissingElement { segment: String, element: usize },
    /// Element `element` of a segment holds a character outside the X12 character set
    /// (999 IK4 code 6).
    BadCharacter { segment: String, element: usize },
    /// No ISA segment where an interchange should start.
    NoInterchange,
    /// The file ends before its interchange does.
    Truncated,
}

impl Stop {
    /// Why, in words (the CSV's reason).
    pub fn reason(&self) -> String {
        let element = |n: &usize| format!("{n:02}");
        match &self.error {
            StopError::NotSupported => {
                let group = self.group.as_deref().unwrap_or_default();
                let set = self.set.as_deref().unwrap_or_default();
                format!(
                    "not an 837P (005010X222A2): GS01 {}, GS08 {}, ST01 {}",
                    field(group, 1),
                    field(group, 8),
                    field(set, 1)
                )
            }
            StopError::Segment(segment) => {
                format!("segment {segment:?} does not fit the 837P grammar here")
            }
            StopError::MissingElement {
                segment,
                element: n,
            } => format!(
                "segment {segment} has no element {segment}{}, which it must have",
                element(n)
            ),
            StopError::BadCharacter {
                segment,
                element: n,
            } => format!(
                "element {segment}{} holds a character outside the X12 character set (ASCII)",
                element(n)
            ),
            StopError::NoInterchange => "expected an ISA segment".into(),
            StopError::Truncated => "the file ends before its interchange does".into(),
        }
    }
}

/// Element `n` (from 1; 0 is the segment's id) of a segment's elements, or "".
pub fn field(elements: &[String], n: usize) -> &str {
    elements.get(n).map_or("", String::as_str)
}

/// An interchange's header as a TA1 answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// ISA06 without its padding.
    pub sender: String,
    /// ISA13, ISA09, ISA10 as written.
    pub control: String,
    pub date: String,
    pub time: String,
}

impl Header {
    /// Whether a TA1 can answer it: ISA13 nine digits, ISA09 six, ISA10 four.
    pub fn answerable(&self) -> bool {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        digits(&self.control, 9) && digits(&self.date, 6) && digits(&self.time, 4)
    }
}

/// The header of every interchange of `raw` (each ISA segment, whether or not the rest
/// of its interchange can be read); none when `raw` is no X12 file.
pub fn headers(raw: &str) -> Vec<Header> {
    let Ok(text) = normalize(raw) else {
        return Vec::new();
    };
    segments(&text)
        .filter(|(_, segment)| segment.starts_with("ISA*"))
        .map(|(_, isa)| {
            let elements: Vec<String> = isa.split('*').map(str::to_string).collect();
            Header {
                sender: field(&elements, 6).trim().to_string(),
                control: field(&elements, 13).to_string(),
                date: field(&elements, 9).to_string(),
                time: field(&elements, 10).to_string(),
            }
        })
        .collect()
}

/// Reads `raw`: `Err` when it is no X12 file at all (no ISA at its start).
pub fn receive(raw: &str) -> Result<Received, String> {
    let text = normalize(raw)?;
    // The sender goes back into the 999's and 277CA's envelopes: only as X12 can carry.
    let sender = segments(&text)
        .next()
        .and_then(|(_, isa)| isa.split('*').nth(6).map(|s| s.trim().to_string()))
        .filter(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| (c.is_ascii_graphic() || c == ' ') && !matches!(c, ':' | '^'))
        });
    let mut interchanges = Vec::new();
    let mut stop = None;
    let mut offset = 0;
    while let Some(rest) = text.get(offset..).filter(|rest| !rest.trim().is_empty()) {
        let end = interchange_len(rest);
        let at = |tail: &str| text.len().saturating_sub(tail.len());
        if let Some((bad, error)) = lint(rest.get(..end).unwrap_or(rest)) {
            stop = Some(stop_at(&text, offset, offset.saturating_add(bad), error));
            break;
        }
        let Ok((_, isa)) = ISA::parse(rest) else {
            stop = Some(stop_at(&text, offset, offset, StopError::NoInterchange));
            break;
        };
        // The interchange's first set decides whether it is an 837P at all.
        if let Some(first_set) = first_set(rest.get(..end).unwrap_or(rest)) {
            let found = stop_at(
                &text,
                offset,
                offset.saturating_add(first_set),
                StopError::NotSupported,
            );
            if !found
                .group
                .as_deref()
                .zip(found.set.as_deref())
                .is_some_and(|(gs, st)| {
                    field(gs, 1) == "HC"
                        && field(gs, 8).starts_with("005010X222")
                        && field(st, 1) == "837"
                })
            {
                stop = Some(found);
                break;
            }
        }
        match interchange(rest) {
            Ok((next, transmission)) => {
                interchanges.push((isa, transmission));
                offset = at(next);
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let failed = e.input;
                let segment = failed.split(['~', '*']).next().unwrap_or("").trim();
                let error = if segment.is_empty() {
                    StopError::Truncated
                } else {
                    StopError::Segment(segment.to_string())
                };
                stop = Some(stop_at(&text, offset, at(failed), error));
                break;
            }
            Err(nom::Err::Incomplete(_)) => {
                let last = text
                    .trim_end()
                    .rfind('\n')
                    .map_or(0, |n| n.saturating_add(1));
                stop = Some(stop_at(&text, offset, last, StopError::Truncated));
                break;
            }
        }
    }
    // Sets that are no 837P after an interchange's first (another group's GS08, another
    // ST01) are read by x12-types' permissive grammar: each caller skips them
    // (`x837::is_837p`), the 837 reader counting their claims as the 277CA does.
    Ok(Received {
        text,
        sender,
        interchanges,
        stop,
    })
}

/// The segments of `text` (normalized) with the byte offset each starts at, without
/// their terminator.
fn segments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset: usize = 0;
    text.split_inclusive('~').filter_map(move |piece| {
        let start = offset;
        offset = offset.saturating_add(piece.len());
        let trimmed = piece.trim_start_matches(['\n', '\r', ' ']);
        let skipped = piece.len().saturating_sub(trimmed.len());
        let segment = trimmed.strip_suffix('~').unwrap_or(trimmed);
        (!segment.trim().is_empty()).then_some((start.saturating_add(skipped), segment))
    })
}

/// The length of the interchange at the start of `rest`: through its IEA segment, or
/// the whole of `rest`.
fn interchange_len(rest: &str) -> usize {
    segments(rest)
        .find(|(_, segment)| segment.split('*').next() == Some("IEA"))
        .and_then(|(start, _)| {
            let end = start
                .saturating_add(rest.get(start..)?.find('~')?)
                .saturating_add(1);
            Some(end.saturating_add(usize::from(rest.get(end..)?.starts_with('\n'))))
        })
        .unwrap_or(rest.len())
}

/// The byte offset in `interchange` of its first ST segment, if any.
fn first_set(interchange: &str) -> Option<usize> {
    segments(interchange)
        .find(|(_, segment)| segment.split('*').next() == Some("ST"))
        .map(|(start, _)| start)
}

/// The first segment of `interchange` that x12-types cannot be trusted with: its byte
/// offset and why.
fn lint(interchange: &str) -> Option<(usize, StopError)> {
    segments(interchange).find_map(|(start, segment)| {
        let id = segment.split('*').next().unwrap_or("").trim().to_string();
        if let Some(at) = segment.find(|c: char| !(c == ' ' || c.is_ascii_graphic())) {
            let element = segment
                .get(..at)
                .map_or(0, |head| head.matches('*').count());
            return Some((
                start,
                StopError::BadCharacter {
                    segment: id,
                    element,
                },
            ));
        }
        let elements = segment.matches('*').count();
        let min = MIN_ELEMENTS
            .iter()
            .find(|(name, _)| *name == id)
            .map_or(0, |(_, min)| *min);
        (elements < min).then(|| {
            (
                start,
                StopError::MissingElement {
                    segment: id,
                    element: elements.saturating_add(1),
                },
            )
        })
    })
}

/// One interchange with the 837P grammar: x12-types' own `Transmission` parser reads one
/// functional group only and, repeating over transaction sets, reports a failure at the
/// start of the set it could not finish; this one reads every group and fails at the
/// segment that does not fit.
fn interchange(input: &str) -> IResult<&str, Transmission<_837>> {
    let (mut rest, isa) = ISA::parse(input)?;
    let mut functional_group = Vec::new();
    while peek(opt(GS::parse)).parse(rest)?.1.is_some() {
        let (mut after, gs) = GS::parse(rest)?;
        let mut segments = Vec::new();
        while peek(opt(ST::parse)).parse(after)?.1.is_some() {
            let (next, set) = _837::parse(after)?;
            segments.push(set);
            after = next;
        }
        let (next, ge) = GE::parse(after)?;
        functional_group.push(FunctionalGroup { gs, segments, ge });
        rest = next;
    }
    let (rest, iea) = IEA::parse(rest)?;
    Ok((
        rest,
        Transmission {
            isa,
            functional_group,
            iea,
        },
    ))
}

/// A stop at byte `at` of `text`, in the interchange starting at byte `start`: with the
/// last GS and ST before it in that interchange, as written.
fn stop_at(text: &str, start: usize, at: usize, error: StopError) -> Stop {
    let mut group = None;
    let mut group_start = None;
    let mut set = None;
    let mut set_start = None;
    let interchange = text.get(start..).unwrap_or("");
    for (offset, segment) in segments(interchange) {
        let offset = start.saturating_add(offset);
        if offset > at {
            break;
        }
        let elements = || segment.split('*').map(|e| e.trim().to_string()).collect();
        match segment.split('*').next() {
            Some("GS") => {
                group = Some(elements());
                group_start = Some(offset);
                set = None;
                set_start = None;
            }
            Some("ST") => {
                set = Some(elements());
                set_start = Some(offset);
            }
            _ => {}
        }
    }
    // A group that is no 837P is named at its GS.
    let at = match (&error, group_start) {
        (StopError::NotSupported, Some(gs)) => gs,
        _ => at,
    };
    let position = segment_at(text, text.get(at..).unwrap_or(""));
    let in_set = set_start.map(|st| {
        position
            .saturating_sub(segment_at(text, text.get(st..).unwrap_or("")))
            .saturating_add(1)
    });
    Stop {
        position,
        group,
        set,
        in_set,
        error,
    }
}
