//! A contact's stored form (format 7's contact blocks): [`StoredContact`], an [`Interaction`]
//! with member ids instead of names, as postcard writes it; [`EncodedContact`], a new contact
//! encoded where it was parsed, its member ids written in by the store; [`ContactView`], one read
//! in place. The parsing workers encode, the store writes blocks of them (`store/contacts.rs`).

use serde::{Deserialize, Serialize};

use super::rollup::{Interaction, MeasureInputs, Outcome};
use crate::error::{Error, Result};
use crate::settings::Channel;

/// One contact as stored: an [`Interaction`] with member ids instead of names, without the
/// source and day its block carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredContact {
    pub contact_key: String,
    pub started_at: i64,
    /// Member ids in the store's `CONTACT_DIMENSIONS` order (channel, program, queue, site,
    /// team, agent).
    pub ids: [Option<i64>; 6],
    pub customer_key: Option<String>,
    pub direction: Option<String>,
    pub outcome: u8,
    pub wait_s: Option<f64>,
    pub talk_s: Option<f64>,
    pub hold_s: Option<f64>,
    pub wrap_s: Option<f64>,
    pub handle_s: Option<f64>,
    pub transferred: Option<bool>,
    pub resolved: Option<bool>,
    pub csat: Option<i64>,
    pub nps: Option<i64>,
    pub ces: Option<i64>,
    pub source_updated_at: Option<i64>,
}

pub(crate) const OUTCOMES: [Outcome; 6] = [
    Outcome::Handled,
    Outcome::Abandoned,
    Outcome::Callback,
    Outcome::Other,
    Outcome::TicketSolved,
    Outcome::TicketOpen,
];

pub(crate) fn outcome_code(o: Outcome) -> u8 {
    OUTCOMES.iter().position(|x| *x == o).unwrap_or(3) as u8
}

impl StoredContact {
    /// The contact as stored, taking its texts.
    pub(crate) fn new(c: Interaction, ids: [Option<i64>; 6]) -> Self {
        StoredContact {
            contact_key: c.contact_key,
            started_at: c.started_at,
            ids,
            customer_key: c.customer_key,
            direction: c.direction.as_deref().map(str::to_string),
            outcome: outcome_code(c.outcome),
            wait_s: c.wait_s,
            talk_s: c.talk_s,
            hold_s: c.hold_s,
            wrap_s: c.wrap_s,
            handle_s: c.handle_s,
            transferred: c.transferred,
            resolved: c.resolved,
            csat: c.csat,
            nps: c.nps,
            ces: c.ces,
            source_updated_at: c.source_updated_at,
        }
    }

    pub(crate) fn outcome(&self) -> Result<Outcome> {
        OUTCOMES
            .get(self.outcome as usize)
            .copied()
            .ok_or_else(|| Error::Corrupt(format!("a contact has outcome code {}", self.outcome)))
    }
}

/// A stored contact read in place from its encoding: [`StoredContact`]'s fields, texts borrowed,
/// so that a contact waiting as bytes (the import's backlog) is looked at without allocating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ContactView<'a> {
    pub contact_key: &'a str,
    pub started_at: i64,
    pub ids: [Option<i64>; 6],
    pub customer_key: Option<&'a str>,
    pub direction: Option<&'a str>,
    pub outcome: u8,
    pub wait_s: Option<f64>,
    pub talk_s: Option<f64>,
    pub hold_s: Option<f64>,
    pub wrap_s: Option<f64>,
    pub handle_s: Option<f64>,
    pub transferred: Option<bool>,
    pub resolved: Option<bool>,
    pub csat: Option<i64>,
    pub nps: Option<i64>,
    pub ces: Option<i64>,
    pub source_updated_at: Option<i64>,
}

impl<'a> ContactView<'a> {
    /// Reads the encoding of `Some(contact)`, all of `bytes` (what [`EncodedContact`] writes):
    /// postcard's layout of [`StoredContact`] read by hand, field by field, which took a sixth
    /// of the time the import spends taking its backlog when done through serde.
    pub(crate) fn read(bytes: &'a [u8]) -> Result<ContactView<'a>> {
        let mut r = Postcard { rest: bytes };
        let bad = || Error::Corrupt("a waiting contact could not be read".into());
        if r.byte().ok_or_else(bad)? != 1 {
            return Err(bad());
        }
        let contact_key = r.text().ok_or_else(bad)?;
        let started_at = r.signed().ok_or_else(bad)?;
        let mut ids = [None; 6];
        for id in &mut ids {
            *id = r.option(Postcard::signed).ok_or_else(bad)?;
        }
        let c = ContactView {
            contact_key,
            started_at,
            ids,
            customer_key: r.option(Postcard::text).ok_or_else(bad)?,
            direction: r.option(Postcard::text).ok_or_else(bad)?,
            outcome: r.byte().ok_or_else(bad)?,
            wait_s: r.option(Postcard::real).ok_or_else(bad)?,
            talk_s: r.option(Postcard::real).ok_or_else(bad)?,
            hold_s: r.option(Postcard::real).ok_or_else(bad)?,
            wrap_s: r.option(Postcard::real).ok_or_else(bad)?,
            handle_s: r.option(Postcard::real).ok_or_else(bad)?,
            transferred: r.option(Postcard::flag).ok_or_else(bad)?,
            resolved: r.option(Postcard::flag).ok_or_else(bad)?,
            csat: r.option(Postcard::signed).ok_or_else(bad)?,
            nps: r.option(Postcard::signed).ok_or_else(bad)?,
            ces: r.option(Postcard::signed).ok_or_else(bad)?,
            source_updated_at: r.option(Postcard::signed).ok_or_else(bad)?,
        };
        if !r.rest.is_empty() {
            return Err(bad());
        }
        Ok(c)
    }

    pub(crate) fn to_stored(self) -> StoredContact {
        StoredContact {
            contact_key: self.contact_key.to_string(),
            started_at: self.started_at,
            ids: self.ids,
            customer_key: self.customer_key.map(str::to_string),
            direction: self.direction.map(str::to_string),
            outcome: self.outcome,
            wait_s: self.wait_s,
            talk_s: self.talk_s,
            hold_s: self.hold_s,
            wrap_s: self.wrap_s,
            handle_s: self.handle_s,
            transferred: self.transferred,
            resolved: self.resolved,
            csat: self.csat,
            nps: self.nps,
            ces: self.ces,
            source_updated_at: self.source_updated_at,
        }
    }

    /// What its measures come from, its channel named by the caller (from its member id).
    pub(crate) fn measure_inputs(&self, channel: Option<Channel>) -> Result<MeasureInputs> {
        let outcome = OUTCOMES
            .get(self.outcome as usize)
            .copied()
            .ok_or_else(|| {
                Error::Corrupt(format!("a contact has outcome code {}", self.outcome))
            })?;
        Ok(MeasureInputs {
            channel,
            outcome,
            wait_s: self.wait_s,
            talk_s: self.talk_s,
            hold_s: self.hold_s,
            wrap_s: self.wrap_s,
            handle_s: self.handle_s,
            transferred: self.transferred,
            resolved: self.resolved,
            csat: self.csat,
            nps: self.nps,
            ces: self.ces,
        })
    }
}

/// The hash a contact is found by: its source and key.
pub(crate) fn key_hash(source: &str, key: &str) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(source.as_bytes());
    h.update(&[0xff]);
    h.update(key.as_bytes());
    h.digest()
}

/// A new contact's stored form, encoded where it was parsed: the postcard encoding of
/// `Some(StoredContact)` in two parts either side of the member ids, which only the writing
/// thread knows, and the hash its key is found by. Postcard writes a struct as its fields one
/// after the other, so the parts and the ids put together are exactly the contact's encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedContact {
    pub(crate) hash: u64,
    bytes: Vec<u8>,
    /// Where the ids go in `bytes`.
    split: usize,
    /// The contact's start when it names its customer (a block keeps the latest).
    pub(crate) customer_at: Option<i64>,
}

/// The fields of [`StoredContact`] after its ids, borrowed, in the same order.
#[derive(Serialize)]
struct TailRef<'a> {
    customer_key: Option<&'a str>,
    direction: Option<&'a str>,
    outcome: u8,
    wait_s: Option<f64>,
    talk_s: Option<f64>,
    hold_s: Option<f64>,
    wrap_s: Option<f64>,
    handle_s: Option<f64>,
    transferred: Option<bool>,
    resolved: Option<bool>,
    csat: Option<i64>,
    nps: Option<i64>,
    ces: Option<i64>,
    source_updated_at: Option<i64>,
}

impl EncodedContact {
    pub(crate) fn new(c: &Interaction) -> Result<EncodedContact> {
        let failed =
            |e: postcard::Error| Error::Corrupt(format!("a contact could not be encoded: {e}"));
        // `Some`, then the key and the start.
        let head = postcard::to_extend(
            &(1u8, c.contact_key.as_str(), c.started_at),
            Vec::with_capacity(96),
        )
        .map_err(failed)?;
        let split = head.len();
        let tail = TailRef {
            customer_key: c.customer_key.as_deref(),
            direction: c.direction.as_deref(),
            outcome: outcome_code(c.outcome),
            wait_s: c.wait_s,
            talk_s: c.talk_s,
            hold_s: c.hold_s,
            wrap_s: c.wrap_s,
            handle_s: c.handle_s,
            transferred: c.transferred,
            resolved: c.resolved,
            csat: c.csat,
            nps: c.nps,
            ces: c.ces,
            source_updated_at: c.source_updated_at,
        };
        let bytes = postcard::to_extend(&tail, head).map_err(failed)?;
        Ok(EncodedContact {
            hash: key_hash(&c.source, &c.contact_key),
            bytes,
            split,
            customer_at: c.customer_key.is_some().then_some(c.started_at),
        })
    }

    /// Appends the encoding of `Some(contact)` with these member ids to `out`.
    pub(crate) fn write(&self, ids: &[Option<i64>; 6], out: &mut Vec<u8>) {
        out.extend_from_slice(&self.bytes[..self.split]);
        // As postcard writes an `Option<i64>`: 0, or 1 and the zigzag varint.
        for id in ids {
            match *id {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    push_varint(out, ((v << 1) ^ (v >> 63)) as u64);
                }
            }
        }
        out.extend_from_slice(&self.bytes[self.split..]);
    }

    /// The contact with these member ids.
    pub(crate) fn decode(&self, ids: &[Option<i64>; 6]) -> Result<StoredContact> {
        let mut bytes = Vec::with_capacity(self.bytes.len() + 64);
        self.write(ids, &mut bytes);
        let (c, rest) = postcard::take_from_bytes::<Option<StoredContact>>(&bytes)
            .map_err(|e| Error::Corrupt(format!("a contact could not be decoded: {e}")))?;
        match (c, rest.is_empty()) {
            (Some(c), true) => Ok(c),
            _ => Err(Error::Corrupt("a contact was encoded wrongly".into())),
        }
    }
}

/// Reads what postcard writes: varints, zigzag integers, options, little-endian floats. Each
/// read is `None` when the bytes do not hold one.
struct Postcard<'a> {
    rest: &'a [u8],
}

impl<'a> Postcard<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn signed(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.varint()?).ok()?;
        if len > self.rest.len() {
            return None;
        }
        let (text, rest) = self.rest.split_at(len);
        self.rest = rest;
        std::str::from_utf8(text).ok()
    }

    fn real(&mut self) -> Option<f64> {
        let (b, rest) = self.rest.split_first_chunk::<8>()?;
        self.rest = rest;
        Some(f64::from_le_bytes(*b))
    }

    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// An `Option` of what `read` reads: `Some(None)` for a missing value.
    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }
}

/// The varint postcard writes a length as.
pub(crate) fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}
