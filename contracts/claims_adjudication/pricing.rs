//! Line pricing in plain Rust: fee schedule, deductible, copay, coinsurance and the
//! out-of-pocket maximum, with the CARC adjustments of each line. No storage: the
//! contract looks up the fees and the member's accumulators and stores the result.

use crate::model::{
    Accumulator, Adjustment, Carc, ClaimLine, Group, LineResult, PlanTerms, Result,
};
use crate::{model::Error, FULL_BPS};
use healthcare_traits::Balance;
use ink::prelude::vec::Vec;

/// How one line is to be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Same member, provider, day and procedure as an adjudicated, not-denied line (this
    /// claim's earlier line or another claim's): denied, CARC 18.
    Duplicate,
    /// The procedure is not in the plan's fee schedule: denied, CARC 96.
    NotCovered,
    /// Covered, but a rule of the service denies it with this reason (CARC 272: too
    /// few monitored days for CPT 99454).
    Denied(Carc),
    /// Priced with this allowed amount per unit.
    Fee(Balance),
}

/// What pricing a claim's lines produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    /// Per-line results.
    pub lines: Vec<LineResult>,
    /// Sum billed.
    pub billed: Balance,
    /// Sum allowed.
    pub allowed: Balance,
    /// Payer share.
    pub payer: Balance,
    /// Member share.
    pub member: Balance,
    /// Deductible applied.
    pub deductible: Balance,
    /// The member's accumulators after this claim.
    pub accumulator: Accumulator,
}

fn add(a: Balance, b: Balance) -> Result<Balance> {
    a.checked_add(b).ok_or(Error::Overflow)
}

/// Prices `lines` in order against `terms`, starting from the member's accumulators
/// `accumulator` for the plan year of the service date. Per covered line: allowed =
/// min(billed, fee × units), the excess CO-45; the member pays the remaining deductible
/// (PR-1), then the copay (PR-3), then coinsurance on the rest (PR-2), each capped by
/// what is left of the out-of-pocket maximum; the payer pays the rest.
pub fn price(
    terms: &PlanTerms,
    mut accumulator: Accumulator,
    lines: &[(ClaimLine, Verdict)],
) -> Result<Priced> {
    let mut out = Priced {
        lines: Vec::with_capacity(lines.len()),
        billed: 0,
        allowed: 0,
        payer: 0,
        member: 0,
        deductible: 0,
        accumulator,
    };
    for (line, verdict) in lines {
        out.billed = add(out.billed, line.billed)?;
        let fee = match verdict {
            Verdict::Duplicate => {
                out.lines.push(LineResult::denied(*line, Carc::Duplicate));
                continue;
            }
            Verdict::NotCovered => {
                out.lines.push(LineResult::denied(*line, Carc::NotCovered));
                continue;
            }
            Verdict::Denied(reason) => {
                out.lines.push(LineResult::denied(*line, *reason));
                continue;
            }
            Verdict::Fee(fee) => *fee,
        };
        let (result, deductible) = price_line(terms, &mut accumulator, line, fee)?;
        out.allowed = add(out.allowed, result.allowed)?;
        out.member = add(out.member, result.member_amount)?;
        out.payer = add(out.payer, result.payer_amount)?;
        out.deductible = add(out.deductible, deductible)?;
        out.lines.push(result);
    }
    out.accumulator = accumulator;
    Ok(out)
}

/// Prices one covered `line` at `fee` per unit against `terms`, moving the member's
/// `accumulator`: allowed = min(billed, fee × units), the excess CO-45; then the member's
/// deductible (PR-1), copay (PR-3) and coinsurance (PR-2) shares, each capped by what is
/// left of the out-of-pocket maximum; the payer pays the rest. Returns the line's result
/// and the deductible it applied.
fn price_line(
    terms: &PlanTerms,
    accumulator: &mut Accumulator,
    line: &ClaimLine,
    fee: Balance,
) -> Result<(LineResult, Balance)> {
    let mut result = LineResult {
        line: *line,
        allowed: 0,
        payer_amount: 0,
        member_amount: 0,
        adjustments: Vec::new(),
    };
    // Saturating: the allowed amount is at most the billed one, which is bounded.
    let schedule = fee.saturating_mul(Balance::from(line.units));
    let allowed = line.billed.min(schedule);
    if line.billed > allowed {
        result.adjustments.push(Adjustment {
            group: Group::ContractualObligation,
            reason: Carc::ExceedsFeeSchedule,
            amount: line.billed.saturating_sub(allowed),
        });
    }
    // Member share: deductible, then copay, then coinsurance, each capped by what is
    // left of the out-of-pocket maximum.
    let mut oop_left = terms.oop_max.saturating_sub(accumulator.oop_spent);
    let mut rest = allowed;
    let mut take = |due: Balance, rest: &mut Balance| {
        let share = due.min(*rest).min(oop_left);
        *rest = rest.saturating_sub(due.min(*rest));
        oop_left = oop_left.saturating_sub(share);
        share
    };
    let deductible = take(
        terms.deductible.saturating_sub(accumulator.deductible_met),
        &mut rest,
    );
    let copay = take(terms.copay, &mut rest);
    let coinsurance_due = rest
        .checked_mul(Balance::from(terms.coinsurance_bps))
        .and_then(|x| x.checked_div(Balance::from(FULL_BPS)))
        .ok_or(Error::Overflow)?;
    let coinsurance = take(coinsurance_due, &mut rest);
    for (reason, amount) in [
        (Carc::Deductible, deductible),
        (Carc::Copay, copay),
        (Carc::Coinsurance, coinsurance),
    ] {
        if amount > 0 {
            result.adjustments.push(Adjustment {
                group: Group::PatientResponsibility,
                reason,
                amount,
            });
        }
    }
    let member_share = add(add(deductible, copay)?, coinsurance)?;
    accumulator.deductible_met = add(accumulator.deductible_met, deductible)?;
    accumulator.oop_spent = add(accumulator.oop_spent, member_share)?;
    result.allowed = allowed;
    result.member_amount = member_share;
    result.payer_amount = allowed.checked_sub(member_share).ok_or(Error::Overflow)?;
    Ok((result, deductible))
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcare_traits::{Hash, DAY};
    use proptest::prelude::*;

    fn terms(deductible: Balance, copay: Balance, bps: u16, oop_max: Balance) -> PlanTerms {
        PlanTerms {
            deductible,
            copay,
            coinsurance_bps: bps,
            oop_max,
            timely_filing: 90 * DAY,
            review_threshold: 0,
            year_start: 0,
            max_units: u32::MAX,
        }
    }

    fn line(billed: Balance, units: u32) -> ClaimLine {
        ClaimLine {
            procedure: *b"99213",
            diagnosis_commitment: Hash::from([0; 32]),
            billed,
            units,
        }
    }

    #[test]
    fn denied_lines_are_adjusted_in_full() {
        let priced = price(
            &terms(0, 0, 0, 0),
            Accumulator::default(),
            &[
                (line(100, 1), Verdict::Duplicate),
                (line(50, 1), Verdict::NotCovered),
            ],
        )
        .unwrap();
        assert_eq!(priced.billed, 150);
        assert_eq!(priced.allowed, 0);
        assert_eq!(priced.lines[0].adjustments[0].reason, Carc::Duplicate);
        assert_eq!(priced.lines[1].adjustments[0].reason, Carc::NotCovered);
    }

    proptest! {
        /// Every line balances (billed = payer + member + contractual adjustments, member
        /// = patient-responsibility adjustments), totals add up, and the accumulators
        /// never pass the deductible or the out-of-pocket maximum.
        #[test]
        fn lines_balance_and_accumulators_stay_capped(
            deductible in 0u128..2_000,
            copay in 0u128..100,
            bps in 0u16..=10_000,
            extra in 0u128..3_000,
            met in 0u128..2_000,
            spent in 0u128..5_000,
            lines in prop::collection::vec((1u128..5_000, 1u32..4, prop_oneof![Just(None), (1u128..2_000).prop_map(Some)], any::<bool>()), 1..20),
        ) {
            let oop_max = deductible.max(copay) + extra;
            let t = terms(deductible, copay, bps, oop_max);
            let start = Accumulator { deductible_met: met.min(deductible), oop_spent: spent.min(oop_max) };
            let input: Vec<(ClaimLine, Verdict)> = lines
                .iter()
                .map(|(billed, units, fee, dup)| {
                    let verdict = match (dup, fee) {
                        (true, _) => Verdict::Duplicate,
                        (false, None) => Verdict::NotCovered,
                        (false, Some(f)) => Verdict::Fee(*f),
                    };
                    (line(*billed, *units), verdict)
                })
                .collect();
            let priced = price(&t, start, &input).unwrap();
            let (mut billed, mut allowed, mut payer, mut member) = (0, 0, 0, 0);
            for result in &priced.lines {
                let by = |group: Group| -> u128 {
                    result.adjustments.iter().filter(|a| a.group == group).map(|a| a.amount).sum()
                };
                prop_assert_eq!(
                    result.line.billed,
                    result.payer_amount + result.member_amount + by(Group::ContractualObligation)
                );
                prop_assert_eq!(result.member_amount, by(Group::PatientResponsibility));
                prop_assert_eq!(result.allowed, result.payer_amount + result.member_amount);
                billed += result.line.billed;
                allowed += result.allowed;
                payer += result.payer_amount;
                member += result.member_amount;
            }
            prop_assert_eq!((billed, allowed, payer, member), (priced.billed, priced.allowed, priced.payer, priced.member));
            prop_assert!(priced.accumulator.deductible_met <= deductible);
            prop_assert!(priced.accumulator.oop_spent <= oop_max);
            prop_assert_eq!(priced.accumulator.oop_spent - start.oop_spent, member);
        }
    }
}
