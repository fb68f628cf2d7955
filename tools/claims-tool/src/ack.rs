//! The 999 implementation acknowledgement (005010X231A1) of an 837P file: for each
//! functional group received, whether each transaction set in it was accepted for
//! processing or rejected, and for a rejected one the segment that failed, its place in
//! the set and the standard's error code. It answers the file's syntax only (the claims
//! themselves are answered by the 835 and the CSV). A file that is no X12 interchange at
//! all (no ISA) has no group to acknowledge: it gets no 999, and its CSV says why.

use crate::remit::Envelope;
use crate::x12in::{field, receive, StopError};
use crate::x837::is_837p;
use x12_types::util::Parser as _;
use x12_types::v005010::{Transmission, GS, ST, _999};

/// A transaction set received, as its 999 loop AK2 answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAck {
    /// ST01, ST02, ST03.
    pub id: String,
    pub control: String,
    pub convention: String,
    /// Why it is rejected: `None` accepted.
    pub error: Option<Rejection>,
}

/// Why a transaction set is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// IK5 code 1: not an 837P (005010X222A1) set.
    NotSupported,
    /// IK3: the segment `segment` at `position` in the set (ST = 1) does not fit the
    /// 837P's grammar there (IK304 code 2, unexpected segment); IK5 code 5.
    Segment { segment: String, position: usize },
    /// IK3 (code 8, data element errors) and IK4: element `element` of the segment
    /// `segment` at `position` is missing (IK403 code 1) or holds a character outside
    /// the X12 character set (code 6); IK5 code 5.
    Element {
        segment: String,
        position: usize,
        element: usize,
        code: u8,
    },
}

/// A functional group received, as one 999 transaction set answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAck {
    /// GS01, GS06, GS08.
    pub functional_id: String,
    pub control: String,
    pub version: String,
    pub sets: Vec<SetAck>,
}

impl SetAck {
    fn of(st: &ST, error: Option<Rejection>) -> Self {
        SetAck {
            id: st._01.clone(),
            control: st._02.clone(),
            convention: st._03.clone().unwrap_or_default(),
            error,
        }
    }
}

impl GroupAck {
    fn of(gs: &GS, sets: Vec<SetAck>) -> Self {
        GroupAck {
            functional_id: gs._01.clone(),
            control: gs._06.clone(),
            version: gs._08.clone(),
            sets,
        }
    }

    fn accepted(&self) -> usize {
        self.sets.iter().filter(|s| s.error.is_none()).count()
    }
}

/// The sender of the interchange (ISA06) and its functional groups, each with its sets
/// accepted or rejected (read as the 837 reader reads them, [`receive`]); `None` when
/// `raw` is no X12 interchange.
pub fn groups(raw: &str) -> Option<(String, Vec<GroupAck>)> {
    let received = receive(raw).ok()?;
    let mut groups = Vec::new();
    for (_, transmission) in &received.interchanges {
        for group in &transmission.functional_group {
            let sets = group
                .segments
                .iter()
                .map(|set| {
                    let supported = is_837p(&group.gs, &set.st);
                    SetAck::of(&set.st, (!supported).then_some(Rejection::NotSupported))
                })
                .collect();
            groups.push(GroupAck::of(&group.gs, sets));
        }
    }
    if let Some(stop) = &received.stop {
        if let (Some(gs), Some(st)) = (&stop.group, &stop.set) {
            let position = stop.in_set.unwrap_or(1);
            let error = match &stop.error {
                StopError::NotSupported => Rejection::NotSupported,
                StopError::Segment(segment) => Rejection::Segment {
                    segment: segment.clone(),
                    position,
                },
                StopError::MissingElement { segment, element } => Rejection::Element {
                    segment: segment.clone(),
                    position,
                    element: *element,
                    code: 1,
                },
                StopError::BadCharacter { segment, element } => Rejection::Element {
                    segment: segment.clone(),
                    position,
                    element: *element,
                    code: 6,
                },
                StopError::Truncated | StopError::NoInterchange => Rejection::Segment {
                    segment: "SE".into(),
                    position,
                },
            };
            groups.push(GroupAck {
                functional_id: field(gs, 1).into(),
                control: field(gs, 6).into(),
                version: field(gs, 8).into(),
                sets: vec![SetAck {
                    id: field(st, 1).into(),
                    control: field(st, 2).into(),
                    convention: field(st, 3).into(),
                    error: Some(error),
                }],
            });
        }
    }
    Some((received.sender?, groups))
}

/// The segments of the 999 set that answers `group`, numbered `number`.
fn set_999(group: &GroupAck, number: usize) -> Vec<String> {
    let mut out = vec![
        format!("ST*999*{number:04}*005010X231A1"),
        format!(
            "AK1*{}*{}*{}",
            group.functional_id, group.control, group.version
        ),
    ];
    for set in &group.sets {
        out.push(format!("AK2*{}*{}*{}", set.id, set.control, set.convention));
        match &set.error {
            None => out.push("IK5*A".into()),
            Some(Rejection::NotSupported) => out.push("IK5*R*1".into()),
            Some(Rejection::Segment { segment, position }) => {
                out.push(format!("IK3*{segment}*{position}**2"));
                out.push("IK5*R*5".into());
            }
            Some(Rejection::Element {
                segment,
                position,
                element,
                code,
            }) => {
                out.push(format!("IK3*{segment}*{position}**8"));
                out.push(format!("IK4*{element}**{code}"));
                out.push("IK5*R*5".into());
            }
        }
    }
    let accepted = group.accepted();
    let received = group.sets.len();
    out.push(format!(
        "AK9*{}*{received}*{received}*{accepted}",
        // Partly accepted (AK901 P) when some sets are and some are not.
        match accepted {
            a if a == received => "A",
            0 => "R",
            _ => "P",
        }
    ));
    out.push(format!("SE*{}*{number:04}", out.len() + 1));
    out
}

/// The 999 interchange answering `groups` of a file `submitter` sent: one 999 set per
/// functional group, from the payer of `envelope` to `submitter`.
pub fn x999(envelope: &Envelope, submitter: &str, groups: &[GroupAck]) -> String {
    let mut out = envelope.open(submitter, "FA", "005010X231A1");
    for (i, group) in groups.iter().enumerate() {
        out.extend(set_999(group, i + 1));
    }
    out.extend(envelope.close(groups.len()));
    crate::remit::segments(out)
}

/// Reads a 999 back with x12-types: (transaction sets accepted, rejected).
pub fn check(text: &str) -> Result<(usize, usize), String> {
    let flat: String = text.lines().collect();
    let (_, transmission) = Transmission::<_999>::parse(flat.as_str())
        .map_err(|e| format!("the 999 does not read back: {e}"))?;
    let mut counts = (0, 0);
    for group in &transmission.functional_group {
        for set in &group.segments {
            for ak2 in &set.loop_ak2 {
                match ak2.ik5._01.as_deref() {
                    Some("A") => counts.0 += 1,
                    _ => counts.1 += 1,
                }
            }
        }
    }
    Ok(counts)
}
