//! The 837P grammar (005010X222A1/A2) the tool reads: x12-types' generic 005010 `_837`
//! loops with every repeat the professional claim guide allows. x12-types 0.12 allows
//! several segments only once where the guide repeats them (loop 2300's CRC: an ambulance
//! claim's certification takes one segment per five condition codes, vision and homebound
//! conditions their own; PWK and K3; loop 2320's CAS; the providers' REF; the service
//! line's PWK, CRC, QTY, MEA, REF and NTE; the billing provider's PER), so a claim with an
//! ambulance, attachments or coordination of benefits was refused as "not fitting the
//! grammar". Same loop and field names as `x12_types::v005010::_837*`, same segment types
//! and the crate's own parser derive, so that `Transmission::<_837>::parse` reads it; the
//! segments other transactions' 837s (institutional, dental) put in these loops are kept
//! optional, as in x12-types, so nothing the crate read is refused now. The crate's
//! grammar with these repeats is worth offering upstream (apimeister/x12-types).

use x12_types::v005010::{
    AMT, BHT, CAS, CL1, CLM, CN1, CR1, CR2, CR3, CR4, CR5, CR6, CR7, CR8, CRC, CTP, CUR, DMG, DN1,
    DN2, DSB, DTP, FRM, HCP, HI, HL, HSD, IMM, K3, LIN, LQ, LX, MEA, MIA, MOA, N2, N3, N4, NM1,
    NTE, OI, PAT, PER, PRV, PS1, PWK, QTY, REF, SBR, SE, ST, SV1, SV2, SV3, SV4, SV5, SV6, SV7,
    SVD, TOO, UR,
};
use x12_types_macros::ParseX12;

/// 837 - Health Care Claim (professional).
#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837 {
    pub st: ST,
    pub bht: BHT,
    pub r#ref: Vec<REF>,
    /// 1000A submitter, 1000B receiver.
    pub loop_1000: Vec<_837Loop1000>,
    /// Every HL (20 billing provider, 22 subscriber, 23 patient), in file order.
    pub loop_2000: Vec<_837Loop2000>,
    pub se: SE,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop1000 {
    pub nm1: NM1,
    pub n2: Vec<N2>,
    pub n3: Vec<N3>,
    pub n4: Option<N4>,
    pub r#ref: Vec<REF>,
    pub per: Vec<PER>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2000 {
    pub hl: HL,
    pub prv: Option<PRV>,
    pub sbr: Option<SBR>,
    pub pat: Option<PAT>,
    pub dtp: Option<DTP>,
    pub cur: Option<CUR>,
    /// 2010AA-AC, 2010BA-BB, 2010CA.
    pub loop_2010: Vec<_837Loop2010>,
    pub loop_2300: Vec<_837Loop2300>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2010 {
    pub nm1: NM1,
    pub n2: Option<N2>,
    pub n3: Option<N3>,
    pub n4: Option<N4>,
    pub dmg: Option<DMG>,
    pub r#ref: Vec<REF>,
    /// 2010AA's billing provider contacts: up to two.
    pub per: Vec<PER>,
}

/// Loop 2300, the claim.
#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2300 {
    pub clm: CLM,
    pub dtp: Vec<DTP>,
    pub cl1: Option<CL1>,
    pub dn1: Option<DN1>,
    pub dn2: Option<DN2>,
    /// Claim supplemental information (attachments): up to ten.
    pub pwk: Vec<PWK>,
    pub cn1: Option<CN1>,
    pub dsb: Option<DSB>,
    pub ur: Option<UR>,
    pub amt: Option<AMT>,
    pub r#ref: Vec<REF>,
    /// File information: up to ten.
    pub k3: Vec<K3>,
    pub nte: Option<NTE>,
    /// Ambulance transport information.
    pub cr1: Option<CR1>,
    /// Spinal manipulation information.
    pub cr2: Option<CR2>,
    pub cr3: Option<CR3>,
    pub cr4: Option<CR4>,
    pub cr5: Option<CR5>,
    pub cr6: Option<CR6>,
    pub cr8: Option<CR8>,
    /// Ambulance certification (up to three), patient condition (vision, up to three),
    /// homebound indicator, EPSDT referral.
    pub crc: Vec<CRC>,
    pub hi: Vec<HI>,
    pub qty: Option<QTY>,
    pub hcp: Option<HCP>,
    pub loop_2305: Vec<_837Loop2305>,
    /// 2310A-F: referring, rendering, service facility, supervising provider, ambulance
    /// pick-up and drop-off locations.
    pub loop_2310: Vec<_837Loop2310>,
    /// Other subscriber information (coordination of benefits).
    pub loop_2320: Vec<_837Loop2320>,
    pub loop_2400: Vec<_837Loop2400>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2305 {
    pub cr7: CR7,
    pub hsd: Vec<HSD>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2310 {
    pub nm1: NM1,
    pub prv: Option<PRV>,
    pub n2: Option<N2>,
    pub n3: Option<N3>,
    pub n4: Option<N4>,
    /// Secondary identifications: up to three (four for the service facility).
    pub r#ref: Vec<REF>,
    pub per: Option<PER>,
}

/// Loop 2320, another payer's adjudication of the claim.
#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2320 {
    pub sbr: SBR,
    /// Claim-level adjustments: up to five groups.
    pub cas: Vec<CAS>,
    pub amt: Vec<AMT>,
    pub dmg: Option<DMG>,
    pub oi: Option<OI>,
    pub mia: Option<MIA>,
    pub moa: Option<MOA>,
    /// 2330A-G: the other subscriber, payer and providers.
    pub loop_2330: Vec<_837Loop2330>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2330 {
    pub nm1: NM1,
    pub n2: Option<N2>,
    pub n3: Option<N3>,
    pub n4: Option<N4>,
    pub per: Option<PER>,
    pub dtp: Option<DTP>,
    /// The other payer's identifiers: up to six (providers' up to three).
    pub r#ref: Vec<REF>,
}

/// Loop 2400, a service line.
#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2400 {
    pub lx: LX,
    pub sv1: Option<SV1>,
    pub sv2: Option<SV2>,
    pub sv3: Option<SV3>,
    pub too: Option<TOO>,
    pub sv4: Option<SV4>,
    pub sv5: Option<SV5>,
    pub sv6: Option<SV6>,
    pub sv7: Option<SV7>,
    pub hi: Option<HI>,
    /// Line supplemental information and the DME certificate transmittal: up to eleven.
    pub pwk: Vec<PWK>,
    pub cr1: Option<CR1>,
    pub cr2: Option<CR2>,
    pub cr3: Option<CR3>,
    pub cr4: Option<CR4>,
    pub cr5: Option<CR5>,
    /// Ambulance certification (up to three), hospice employee, DME certification.
    pub crc: Vec<CRC>,
    pub dtp: Vec<DTP>,
    /// Ambulance patient count, obstetric additional units.
    pub qty: Vec<QTY>,
    /// Test results: up to five.
    pub mea: Vec<MEA>,
    pub cn1: Option<CN1>,
    pub r#ref: Vec<REF>,
    pub amt: Vec<AMT>,
    pub k3: Vec<K3>,
    /// Line note and third party organisation notes.
    pub nte: Vec<NTE>,
    pub ps1: Option<PS1>,
    pub imm: Option<IMM>,
    pub hsd: Option<HSD>,
    pub hcp: Option<HCP>,
    /// Drug identification.
    pub loop_2410: Vec<_837Loop2410>,
    /// 2420A-H: the line's providers and locations.
    pub loop_2420: Vec<_837Loop2420>,
    /// Line adjudication by other payers.
    pub loop_2430: Vec<_837Loop2430>,
    /// Form identification (DME certificates of medical necessity).
    pub loop_2440: Vec<_837Loop2440>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2410 {
    pub lin: LIN,
    pub ctp: Option<CTP>,
    pub r#ref: Option<REF>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2420 {
    pub nm1: NM1,
    pub prv: Option<PRV>,
    pub n2: Option<N2>,
    pub n3: Option<N3>,
    pub n4: Option<N4>,
    /// Secondary identifications: up to twenty.
    pub r#ref: Vec<REF>,
    pub per: Option<PER>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2430 {
    pub svd: SVD,
    pub cas: Vec<CAS>,
    pub dtp: Option<DTP>,
    pub amt: Option<AMT>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq, ParseX12)]
pub struct _837Loop2440 {
    pub lq: LQ,
    pub frm: Vec<FRM>,
}
