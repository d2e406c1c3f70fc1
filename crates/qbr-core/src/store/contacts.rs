//! The contact store (format 7): a batch's contacts of one day, in blocks.
//!
//! A block is one row of `contact_block`: up to [`BLOCK_CONTACTS`] contacts of one batch, one
//! day and one source, encoded with postcard and compressed with LZ4 behind a codec byte. A slot
//! left empty (`None`) is a contact a later import took over; undoing that import puts the
//! contact back in the same slot. Contacts are the import's own business (duplicates,
//! replacements, undo, recomputing a day's facts), plus survey linking and repeat-contact FCR:
//! every reader wants whole days, so a block is the unit of reading and writing.
//!
//! Finding a contact by its key: the same contact delivered twice (overlapping exports, Amazon
//! Connect's later deliveries) starts at the same moment, so it is looked for among the contacts
//! of its own day and the two days either side ([`Window`]); the days' keys are hashed in memory
//! (xxh3, 64 bits) and every hit is confirmed on the key itself.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{mpsc, Arc, Condvar, Mutex};

use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::measure::Dimension;
pub(crate) use crate::model::encoded::{
    key_hash, outcome_code, push_varint, ContactView, EncodedContact, StoredContact, OUTCOMES,
};
use crate::model::rollup::{Interaction, Outcome};
use crate::settings::Channel;

/// Contacts per block: small enough that taking one contact over rewrites little, large enough
/// that a quarter of a big program is a few hundred rows.
pub(crate) const BLOCK_CONTACTS: usize = 4096;

#[cfg(test)]
thread_local! {
    /// Tests pack contacts 7 to a block and keep at most 50 decoded, so that full blocks, days
    /// leaving the window and coming back all happen on small files.
    pub(crate) static SMALL_BLOCKS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The first byte of `data`: postcard slots, LZ4 with the size prepended.
const CODEC_POSTCARD_LZ4: u8 = 1;

/// A block never inflates beyond this (a damaged file must not ask for gigabytes).
const MAX_BLOCK_BYTES: usize = 64 << 20;

/// Days either side of a contact's own day where another delivery of it is looked for.
pub(crate) const KEY_DAYS: i64 = 2;

/// The days a contact is looked for on: its own and [`KEY_DAYS`] either side.
const KEY_SPAN: usize = 2 * KEY_DAYS as usize + 1;

/// The dimensions of a contact's member ids, in the order of [`StoredContact::ids`].
pub(crate) const CONTACT_DIMENSIONS: [Dimension; 6] = [
    Dimension::Channel,
    Dimension::Program,
    Dimension::Queue,
    Dimension::Site,
    Dimension::Team,
    Dimension::Agent,
];

impl StoredContact {
    /// The contact as the import reads it, members named.
    pub(crate) fn to_interaction(
        &self,
        source: &str,
        day: NaiveDate,
        names: &Names,
    ) -> Result<Interaction> {
        let name = |i: usize| names.name(CONTACT_DIMENSIONS[i], self.ids[i]);
        Ok(Interaction {
            source: source.into(),
            contact_key: self.contact_key.clone(),
            started_at: self.started_at,
            day,
            channel: name(0).and_then(|c| c.parse::<Channel>().ok()),
            program: name(1).map(Into::into),
            queue: name(2).map(Into::into),
            site: name(3).map(Into::into),
            team: name(4).map(Into::into),
            agent: name(5).map(Into::into),
            customer_key: self.customer_key.clone(),
            direction: self.direction.as_deref().map(Into::into),
            outcome: self.outcome()?,
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
        })
    }

    /// The values of [`ROW_COLUMNS`] (the columns of `interaction_duplicate` and, after its
    /// first three, of `interaction_superseded`).
    pub(crate) fn row_values(&self, batch: i64, source: &str, day: NaiveDate) -> Vec<Value> {
        let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
        let real = |v: Option<f64>| v.map_or(Value::Null, Value::Real);
        let flag = |v: Option<bool>| v.map_or(Value::Null, |b| Value::Integer(b as i64));
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
        let mut values = vec![
            Value::Integer(batch),
            Value::Text(source.into()),
            Value::Text(self.contact_key.clone()),
            Value::Integer(self.started_at),
            Value::Text(day_text(day)),
        ];
        values.extend(self.ids.iter().map(|id| int(*id)));
        values.extend([
            text(&self.customer_key),
            text(&self.direction),
            Value::Text(
                OUTCOMES
                    .get(self.outcome as usize)
                    .map_or("other", |o| o.as_str())
                    .into(),
            ),
            real(self.wait_s),
            real(self.talk_s),
            real(self.hold_s),
            real(self.wrap_s),
            real(self.handle_s),
            flag(self.transferred),
            flag(self.resolved),
            int(self.csat),
            int(self.nps),
            int(self.ces),
            int(self.source_updated_at),
        ]);
        values
    }

    /// Reads [`ROW_COLUMNS`] from `r`, starting at column `at`: (batch, source, day, contact).
    pub(crate) fn from_row(
        r: &rusqlite::Row<'_>,
        at: usize,
    ) -> rusqlite::Result<(i64, String, String, StoredContact)> {
        let outcome: String = r.get(at + 13)?;
        let outcome = Outcome::parse(&outcome).unwrap_or(Outcome::Other);
        let mut ids = [None; 6];
        for (i, id) in ids.iter_mut().enumerate() {
            *id = r.get(at + 5 + i)?;
        }
        Ok((
            r.get(at)?,
            r.get(at + 1)?,
            r.get(at + 4)?,
            StoredContact {
                contact_key: r.get(at + 2)?,
                started_at: r.get(at + 3)?,
                ids,
                customer_key: r.get(at + 11)?,
                direction: r.get(at + 12)?,
                outcome: outcome_code(outcome),
                wait_s: r.get(at + 14)?,
                talk_s: r.get(at + 15)?,
                hold_s: r.get(at + 16)?,
                wrap_s: r.get(at + 17)?,
                handle_s: r.get(at + 18)?,
                transferred: r.get(at + 19)?,
                resolved: r.get(at + 20)?,
                csat: r.get(at + 21)?,
                nps: r.get(at + 22)?,
                ces: r.get(at + 23)?,
                source_updated_at: r.get(at + 24)?,
            },
        ))
    }
}

/// The contact columns of `interaction_duplicate` and `interaction_superseded`, in the order of
/// [`StoredContact::row_values`].
pub(crate) const ROW_COLUMNS: &str =
    "batch_id, source, contact_key, started_at, day, channel_id, program_id, queue_id,
     site_id, team_id, agent_id, customer_key, direction, outcome, wait_s, talk_s, hold_s, wrap_s,
     handle_s, transferred, resolved, csat, nps, ces, source_updated_at";

/// `YYYY-MM-DD`.
pub(crate) fn day_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub(crate) fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::Corrupt(format!("a contact block has an unreadable day {s:?}")))
}

/// Decodes `len` slots encoded one after the other (a block's encoding without its length).
fn decode_slots(raw: &[u8], len: usize) -> Result<Vec<Option<StoredContact>>> {
    let mut slots = Vec::with_capacity(len);
    let mut rest = raw;
    for _ in 0..len {
        let (c, after) = postcard::take_from_bytes::<Option<StoredContact>>(rest)
            .map_err(|e| Error::Corrupt(format!("a contact block is damaged ({e})")))?;
        slots.push(c);
        rest = after;
    }
    Ok(slots)
}

/// LZ4 behind the codec byte, of a block's postcard encoding: what
/// `lz4_flex::compress_prepend_size` writes (the length, then the compressed bytes), in one
/// allocation.
fn compress(raw: &[u8]) -> Vec<u8> {
    let head = 1 + 4;
    let mut data = vec![0u8; head + lz4_flex::block::get_maximum_output_size(raw.len())];
    data[0] = CODEC_POSTCARD_LZ4;
    data[1..head].copy_from_slice(&(raw.len() as u32).to_le_bytes());
    let n = lz4_flex::block::compress_into(raw, &mut data[head..])
        .expect("the output is sized for the worst case");
    data.truncate(head + n);
    data
}

/// Encodes a block's slots.
pub(crate) fn encode(slots: &[Option<StoredContact>]) -> Result<Vec<u8>> {
    let raw = postcard::to_extend(slots, Vec::with_capacity(slots.len() * 96 + 8))
        .map_err(|e| Error::Corrupt(format!("a contact block could not be encoded: {e}")))?;
    Ok(compress(&raw))
}

/// Decodes a block's slots; a damaged block is [`Error::Corrupt`], never a panic.
pub(crate) fn decode(data: &[u8]) -> Result<Vec<Option<StoredContact>>> {
    let corrupt = |what: &str| Error::Corrupt(format!("a contact block is damaged ({what})"));
    match data.split_first() {
        Some((&CODEC_POSTCARD_LZ4, rest)) => {
            let size = rest
                .get(..4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                .ok_or_else(|| corrupt("no size"))?;
            if size > MAX_BLOCK_BYTES {
                return Err(corrupt("too large"));
            }
            let raw =
                lz4_flex::decompress_size_prepended(rest).map_err(|e| corrupt(&e.to_string()))?;
            postcard::from_bytes(&raw).map_err(|e| corrupt(&e.to_string()))
        }
        _ => Err(corrupt("unknown codec")),
    }
}

/// One block as read.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// `None` while it is only in memory.
    pub id: Option<i64>,
    pub batch_id: i64,
    pub day: NaiveDate,
    pub source: String,
    pub slots: Vec<Option<StoredContact>>,
    /// Changed in memory since it was read or written.
    pub dirty: bool,
}

impl Block {
    pub(crate) fn held(&self) -> impl Iterator<Item = &StoredContact> {
        self.slots.iter().flatten()
    }

    /// Writes the block (a new row, or the row it came from); a block left with no contact is
    /// deleted.
    #[cfg(test)]
    pub(crate) fn save(&mut self, conn: &Connection) -> Result<()> {
        self.save_in(conn, BlockTable::Contacts)
    }

    /// [`Block::save`] into `table`.
    pub(crate) fn save_in(&mut self, conn: &Connection, table: BlockTable) -> Result<()> {
        self.id = save_block(
            conn,
            table,
            self.id,
            || Ok(None),
            self.batch_id,
            self.day,
            &self.source,
            &self.slots,
        )?;
        self.dirty = false;
        Ok(())
    }
}

/// The tables of blocks: the contacts imports hold, and the duplicates they met (copies of
/// contacts another import, or an earlier row, already held), kept so that undoing the holder
/// hands a copy over. Both hold blocks of one batch, day and source, encoded alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum BlockTable {
    #[default]
    Contacts,
    Duplicates,
}

impl BlockTable {
    /// The table's name (spliced into SQL: a closed set of two).
    fn name(self) -> &'static str {
        match self {
            BlockTable::Contacts => "contact_block",
            BlockTable::Duplicates => "duplicate_block",
        }
    }
}

/// Writes a block's slots as block `id`, or as a new block taking the id `new_id` gives (`None`:
/// SQLite's next rowid); returns its id (`None`: it holds no contact, and its row, if any, is
/// gone).
#[allow(clippy::too_many_arguments)]
fn save_block(
    conn: &Connection,
    table: BlockTable,
    id: Option<i64>,
    new_id: impl FnOnce() -> Result<Option<i64>>,
    batch: i64,
    day: NaiveDate,
    source: &str,
    slots: &[Option<StoredContact>],
) -> Result<Option<i64>> {
    let held = slots.iter().flatten().count();
    let last_customer_at = slots
        .iter()
        .flatten()
        .filter(|c| c.customer_key.is_some())
        .map(|c| c.started_at)
        .max();
    let keys: Vec<u8> = slots
        .iter()
        .flat_map(|c| {
            c.as_ref()
                .map_or(0, |c| key_hash(source, &c.contact_key))
                .to_le_bytes()
        })
        .collect();
    let row = BlockRow {
        batch,
        day,
        source,
        held,
        last_customer_at,
        keys: &keys,
    };
    write_row(conn, table, id, new_id, &row, || encode(slots))
}

/// What `contact_block` keeps beside a block's data.
struct BlockRow<'a> {
    batch: i64,
    day: NaiveDate,
    source: &'a str,
    held: usize,
    last_customer_at: Option<i64>,
    keys: &'a [u8],
}

/// Writes a block's row: `data` is encoded only when the block holds a contact; a new row takes
/// the id `new_id` gives (`None`: SQLite's next rowid).
fn write_row(
    conn: &Connection,
    table: BlockTable,
    id: Option<i64>,
    new_id: impl FnOnce() -> Result<Option<i64>>,
    row: &BlockRow<'_>,
    data: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Option<i64>> {
    let held = row.held as i64;
    match id {
        Some(id) if held == 0 => {
            let table = table.name();
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
                .execute([id])?;
            Ok(None)
        }
        Some(id) if table == BlockTable::Contacts => {
            conn.prepare_cached(
                "UPDATE contact_block SET contacts = ?2, last_customer_at = ?3, keys = ?4, data = ?5
                 WHERE id = ?1",
            )?
            .execute(params![id, held, row.last_customer_at, row.keys, data()?])?;
            Ok(Some(id))
        }
        Some(id) => {
            conn.prepare_cached(
                "UPDATE duplicate_block SET contacts = ?2, keys = ?3, data = ?4 WHERE id = ?1",
            )?
            .execute(params![id, held, row.keys, data()?])?;
            Ok(Some(id))
        }
        None if held == 0 => Ok(None),
        None => insert_row(conn, table, new_id()?, row, &data()?).map(Some),
    }
}

/// Inserts a block's row as `id` (`None`: SQLite's next rowid) and returns its id.
fn insert_row(
    conn: &Connection,
    table: BlockTable,
    id: Option<i64>,
    row: &BlockRow<'_>,
    data: &[u8],
) -> Result<i64> {
    match table {
        BlockTable::Contacts => conn
            .prepare_cached(
                "INSERT INTO contact_block (id, batch_id, day, source, contacts, last_customer_at, keys, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                row.batch,
                day_text(row.day),
                row.source,
                row.held as i64,
                row.last_customer_at,
                row.keys,
                data
            ])?,
        BlockTable::Duplicates => conn
            .prepare_cached(
                "INSERT INTO duplicate_block (id, batch_id, day, source, contacts, keys, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                row.batch,
                day_text(row.day),
                row.source,
                row.held as i64,
                row.keys,
                data
            ])?,
    };
    Ok(conn.last_insert_rowid())
}

fn read_blocks(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut each: impl FnMut(Block) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let day: String = r.get(2)?;
        let data = r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?;
        each(Block {
            id: Some(r.get(0)?),
            batch_id: r.get(1)?,
            day: parse_day(&day)?,
            source: r.get(3)?,
            slots: decode(data)?,
            dirty: false,
        })?;
    }
    Ok(())
}

/// Every block of `from..=to`, in id order, one at a time.
pub(crate) fn each_block_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    each: impl FnMut(Block) -> Result<()>,
) -> Result<()> {
    read_blocks(
        conn,
        "SELECT id, batch_id, day, source, data FROM contact_block
         WHERE day BETWEEN ?1 AND ?2 ORDER BY id",
        params![day_text(from), day_text(to)],
        each,
    )
}

/// Every block, in id order, one at a time.
#[cfg(test)]
pub(crate) fn each_block(conn: &Connection, each: impl FnMut(Block) -> Result<()>) -> Result<()> {
    read_blocks(
        conn,
        "SELECT id, batch_id, day, source, data FROM contact_block ORDER BY id",
        [],
        each,
    )
}

/// The blocks a batch holds on a day, in id order.
pub(crate) fn blocks_of(conn: &Connection, batch: i64, day: NaiveDate) -> Result<Vec<Block>> {
    let mut out = Vec::new();
    read_blocks(
        conn,
        "SELECT id, batch_id, day, source, data FROM contact_block
         WHERE batch_id = ?1 AND day = ?2 ORDER BY id",
        params![batch, day_text(day)],
        |b| {
            out.push(b);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The duplicate blocks of `from..=to` offered by another batch than `not_batch` (one not
/// undone) that hold a copy whose key hash is in `wanted`, in id order, one at a time (a block is
/// decoded only then).
pub(crate) fn each_duplicate_block_holding(
    conn: &Connection,
    (from, to): (NaiveDate, NaiveDate),
    not_batch: i64,
    wanted: &FxHashSet<u64>,
    mut each: impl FnMut(Block) -> Result<()>,
) -> Result<()> {
    let mut ids = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT d.id, d.keys FROM duplicate_block d
             JOIN import_batch b ON b.id = d.batch_id
             WHERE d.day BETWEEN ?1 AND ?2 AND d.batch_id <> ?3 AND b.undone_at IS NULL
             ORDER BY d.id",
        )?;
        let mut rows = stmt.query(params![day_text(from), day_text(to), not_batch])?;
        while let Some(r) = rows.next()? {
            let keys = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            let hit = keys.chunks_exact(8).any(|k| {
                wanted.contains(&u64::from_le_bytes([
                    k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
                ]))
            });
            if hit {
                ids.push(r.get::<_, i64>(0)?);
            }
        }
    }
    for id in ids {
        read_blocks(
            conn,
            "SELECT id, batch_id, day, source, data FROM duplicate_block WHERE id = ?1",
            [id],
            &mut each,
        )?;
    }
    Ok(())
}

/// Empties the given slots of duplicate blocks (copies handed over to their imports); a block
/// left with no copy goes.
pub(crate) fn empty_duplicate_slots(
    conn: &Connection,
    slots: &BTreeMap<i64, Vec<usize>>,
) -> Result<()> {
    for (&id, emptied) in slots {
        let mut blocks = Vec::new();
        read_blocks(
            conn,
            "SELECT id, batch_id, day, source, data FROM duplicate_block WHERE id = ?1",
            [id],
            |b| {
                blocks.push(b);
                Ok(())
            },
        )?;
        for mut b in blocks {
            for &s in emptied {
                if let Some(slot) = b.slots.get_mut(s) {
                    *slot = None;
                }
            }
            b.save_in(conn, BlockTable::Duplicates)?;
        }
    }
    Ok(())
}

/// Every duplicate block, in id order, one at a time.
#[cfg(test)]
pub(crate) fn each_duplicate_block(
    conn: &Connection,
    each: impl FnMut(Block) -> Result<()>,
) -> Result<()> {
    read_blocks(
        conn,
        "SELECT id, batch_id, day, source, data FROM duplicate_block ORDER BY id",
        [],
        each,
    )
}

/// The days on which a batch holds contacts, in order.
pub(crate) fn days_of_batch(conn: &Connection, batch: i64) -> Result<Vec<NaiveDate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT day FROM contact_block WHERE batch_id = ?1 ORDER BY day",
    )?;
    let days = stmt.query_map([batch], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for d in days {
        out.push(parse_day(&d?)?);
    }
    Ok(out)
}

/// Member names by id, per dimension, to turn stored contacts back into [`Interaction`]s.
#[derive(Debug, Default)]
pub(crate) struct Names {
    by_dim: [FxHashMap<i64, String>; 6],
    /// Queues' own service thresholds, by queue name.
    thresholds: FxHashMap<String, u32>,
}

impl Names {
    pub(crate) fn load(conn: &Connection) -> Result<Names> {
        let mut names = Names::default();
        for dim in Dimension::ALL {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT id, name FROM {}",
                super::member_table(dim)
            ))?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (id, name) = row?;
                names.by_dim[dim.index()].insert(id, name);
            }
        }
        let mut stmt = conn
            .prepare_cached("SELECT name, threshold_s FROM queue WHERE threshold_s IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (name, t) = row?;
            names.thresholds.insert(name, t as u32);
        }
        Ok(names)
    }

    pub(crate) fn name(&self, dim: Dimension, id: Option<i64>) -> Option<&str> {
        id.and_then(|id| self.by_dim[dim.index()].get(&id))
            .map(String::as_str)
    }

    /// The id of a member by name (filters name members).
    pub(crate) fn id(&self, dim: Dimension, name: &str) -> Option<i64> {
        self.by_dim[dim.index()]
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(id, _)| *id)
    }

    /// A queue's own service threshold, by queue name.
    pub(crate) fn threshold(&self, queue: &str) -> Option<u32> {
        self.thresholds.get(queue).copied()
    }
}

/// Where a contact sits in a [`Window`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub day: NaiveDate,
    pub block: u32,
    pub slot: u32,
}

/// A block as the window knows it: always its keys, its contacts only while decoded.
#[derive(Debug)]
pub(crate) struct WindowBlock {
    /// `None` while it is being filled; `Some(0)` once it was written holding nothing.
    pub id: Option<i64>,
    pub batch_id: i64,
    pub source: String,
    /// Decoded; `None` while only the file has them, or while they are [`Appended`].
    slots: Option<Vec<Option<StoredContact>>>,
    /// A block being filled by an import, while no contact of it was looked at.
    appended: Option<Appended>,
    dirty: bool,
}

/// A block being filled, kept encoded: new contacts come encoded by the parsing threads
/// ([`EncodedContact`]), so filling a block is a copy of their bytes, and writing it one
/// compression. Looking at one of its contacts decodes it into slots.
#[derive(Debug)]
struct Appended {
    /// Room for the block's length, then the slots' encodings one after the other: the block's
    /// encoding is a slice of it, with no copy.
    raw: Vec<u8>,
    keys: Vec<u8>,
    len: usize,
    last_customer_at: Option<i64>,
}

/// The bytes kept in front of an [`Appended`] block's slots for its length: a block holds at
/// most [`BLOCK_CONTACTS`] contacts, whose count is a varint of two bytes at most.
const LENGTH_ROOM: usize = 2;
const _: () = assert!(BLOCK_CONTACTS < 1 << (7 * LENGTH_ROOM));

/// Contacts in a block being filled before room is made for a full block.
const RESERVE_AFTER: usize = 64;

impl Default for Appended {
    fn default() -> Self {
        Appended {
            raw: vec![0; LENGTH_ROOM],
            keys: Vec::new(),
            len: 0,
            last_customer_at: None,
        }
    }
}

impl Appended {
    /// The slots' encodings.
    fn slots(&self) -> &[u8] {
        &self.raw[LENGTH_ROOM..]
    }

    /// Writes the block's length in the room in front of its slots.
    fn write_length(&mut self) {
        let mut len = Vec::with_capacity(LENGTH_ROOM);
        push_varint(&mut len, self.len as u64);
        let start = LENGTH_ROOM - len.len();
        self.raw[start..LENGTH_ROOM].copy_from_slice(&len);
    }

    /// The block's postcard encoding (after [`Self::write_length`]): its length, then its slots.
    fn encoding(&self) -> &[u8] {
        let len_bytes = if self.len < 0x80 { 1 } else { 2 };
        &self.raw[LENGTH_ROOM - len_bytes..]
    }
}

impl WindowBlock {
    fn open(&self, batch: i64, source: &str) -> bool {
        self.id.is_none() && self.batch_id == batch && self.source == source
    }

    fn len(&self) -> usize {
        match (&self.slots, &self.appended) {
            (Some(slots), _) => slots.len(),
            (None, Some(a)) => a.len,
            (None, None) => 0,
        }
    }

    /// Turns appended contacts into slots.
    fn unappend(&mut self) -> Result<()> {
        if let Some(a) = self.appended.take() {
            self.slots = Some(decode_slots(a.slots(), a.len)?);
        }
        Ok(())
    }

    /// Lets the contacts go from memory (the file has them).
    fn release(&mut self) {
        self.slots = None;
        self.appended = None;
    }
}

/// Writes a block when it changed or is being filled (then it stops being open); returns how
/// many slots stopped being open. With `release` (the caller lets the block's contacts go right
/// after), a block being filled is compressed on the writer's helper thread.
fn write_block(
    out: &mut BlockWriter,
    conn: &Connection,
    day: NaiveDate,
    b: &mut WindowBlock,
    release: bool,
) -> Result<usize> {
    if !b.dirty && b.id.is_some() {
        return Ok(0);
    }
    let closed = if b.id.is_none() { b.len() } else { 0 };
    if let Some(id) = b.id {
        // Its row must be in the file before it is changed.
        out.wait_for(conn, id)?;
    }
    let id = match (&b.slots, &mut b.appended) {
        (Some(slots), _) => Some(save_block(
            conn,
            out.table,
            b.id,
            || out.next_id(conn).map(Some),
            b.batch_id,
            day,
            &b.source,
            slots,
        )?),
        (None, Some(a)) if release && b.id.is_none() && a.len > 0 => {
            a.write_length();
            let id = out.next_id(conn)?;
            let row = PendingRow {
                id,
                batch: b.batch_id,
                day,
                source: b.source.clone(),
                held: a.len,
                last_customer_at: a.last_customer_at,
                keys: std::mem::take(&mut a.keys),
            };
            let start = a.encoding().as_ptr() as usize - a.raw.as_ptr() as usize;
            out.compress_later(conn, row, std::mem::take(&mut a.raw), start)?;
            Some(Some(id))
        }
        (None, Some(a)) => {
            a.write_length();
            let row = BlockRow {
                batch: b.batch_id,
                day,
                source: &b.source,
                held: a.len,
                last_customer_at: a.last_customer_at,
                keys: &a.keys,
            };
            let data = || Ok(compress(a.encoding()));
            Some(write_row(
                conn,
                out.table,
                b.id,
                || out.next_id(conn).map(Some),
                &row,
                data,
            )?)
        }
        (None, None) => None,
    };
    if let Some(id) = id {
        b.id = Some(id.unwrap_or(0));
    }
    b.dirty = false;
    Ok(closed)
}

/// Where a window's blocks go into the file: new rows take ids in the order SQLite would have
/// given them, and a full block is compressed on a helper thread while the import goes on, its
/// row inserted when the compressed bytes come back (in order). A block's row is in the file
/// before anything reads or changes it ([`Window`] waits for it), and every row is in by
/// [`Window::save`].
#[derive(Debug, Default)]
struct BlockWriter {
    table: BlockTable,
    next_id: Option<i64>,
    /// Rows waiting for their data, in the order their blocks went to the helper.
    pending: VecDeque<PendingRow>,
    compressor: Option<Compressor>,
    /// No limit on the blocks being compressed: set while the window lets every day go at the
    /// end, when their encodings are in memory anyway.
    unlimited: bool,
}

/// A block's row whose data is being compressed.
#[derive(Debug)]
struct PendingRow {
    id: i64,
    batch: i64,
    day: NaiveDate,
    source: String,
    held: usize,
    last_customer_at: Option<i64>,
    keys: Vec<u8>,
}

/// Blocks being compressed at most while an import goes on: a full block's encoding is about
/// 300 KB.
const PENDING_BLOCKS: usize = 4;

/// The helper thread: encodings in, compressed blocks out, in order.
#[derive(Debug)]
struct Compressor {
    jobs: Option<mpsc::Sender<(Vec<u8>, usize)>>,
    done: mpsc::Receiver<Vec<u8>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Compressor {
    fn spawn() -> Option<Compressor> {
        Compressor::spawn_held(None)
    }

    /// With `hold` (tests only), the thread compresses nothing until the flag is set or five
    /// seconds pass: what the writer does while its blocks are in flight can then be seen
    /// whatever the machine's load.
    fn spawn_held(hold: Option<Arc<(Mutex<bool>, Condvar)>>) -> Option<Compressor> {
        // Unbounded: `BlockWriter::compress_later` keeps the count.
        let (jobs, inbox) = mpsc::channel::<(Vec<u8>, usize)>();
        let (outbox, done) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("qbr-compress".into())
            .spawn(move || {
                if let Some(hold) = hold {
                    let held = hold.0.lock().unwrap_or_else(|e| e.into_inner());
                    let _ =
                        hold.1
                            .wait_timeout_while(held, std::time::Duration::from_secs(5), |go| !*go);
                }
                for (raw, start) in inbox {
                    if outbox.send(compress(&raw[start..])).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Compressor {
            jobs: Some(jobs),
            done,
            thread: Some(thread),
        })
    }
}

impl Drop for Compressor {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop.
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl BlockWriter {
    /// The id of the next new row: one past the largest in the file, then counting up.
    fn next_id(&mut self, conn: &Connection) -> Result<i64> {
        let id = match self.next_id {
            Some(id) => id,
            None => conn.query_row(
                &format!(
                    "SELECT coalesce(max(id), 0) + 1 FROM {table}",
                    table = self.table.name()
                ),
                [],
                |r| r.get(0),
            )?,
        };
        self.next_id = Some(id + 1);
        Ok(id)
    }

    /// Hands a block's encoding (`raw[start..]`) to the helper; inserts the rows whose data
    /// came back meanwhile. Without a helper it is compressed here.
    fn compress_later(
        &mut self,
        conn: &Connection,
        row: PendingRow,
        raw: Vec<u8>,
        start: usize,
    ) -> Result<()> {
        self.insert_done(conn, false)?;
        while self.pending.len() >= PENDING_BLOCKS && !self.unlimited {
            self.insert_next(conn)?;
        }
        if self.compressor.is_none() {
            self.compressor = Compressor::spawn();
        }
        let sent = match self.compressor.as_ref().and_then(|c| c.jobs.as_ref()) {
            Some(jobs) => jobs.send((raw, start)).map_err(|e| e.0),
            None => Err((raw, start)),
        };
        match sent {
            Ok(()) => self.pending.push_back(row),
            Err((raw, start)) => {
                self.wait_all(conn)?;
                insert_pending(conn, self.table, &row, &compress(&raw[start..]))?;
            }
        }
        Ok(())
    }

    /// Inserts the rows whose data came back; with `wait`, waits for all of them.
    fn insert_done(&mut self, conn: &Connection, wait: bool) -> Result<()> {
        while !self.pending.is_empty() {
            let Some(c) = &self.compressor else {
                return Err(helper_stopped());
            };
            let data = if wait {
                c.done.recv().map_err(|_| helper_stopped())?
            } else {
                match c.done.try_recv() {
                    Ok(data) => data,
                    Err(mpsc::TryRecvError::Empty) => return Ok(()),
                    Err(mpsc::TryRecvError::Disconnected) => return Err(helper_stopped()),
                }
            };
            let row = self.pending.pop_front().expect("not empty");
            insert_pending(conn, self.table, &row, &data)?;
        }
        Ok(())
    }

    /// Waits for the oldest pending row's data and inserts it.
    fn insert_next(&mut self, conn: &Connection) -> Result<()> {
        let Some(c) = &self.compressor else {
            return Err(helper_stopped());
        };
        let data = c.done.recv().map_err(|_| helper_stopped())?;
        if let Some(row) = self.pending.pop_front() {
            insert_pending(conn, self.table, &row, &data)?;
        }
        Ok(())
    }

    /// Every pending row in the file.
    fn wait_all(&mut self, conn: &Connection) -> Result<()> {
        self.insert_done(conn, true)
    }

    /// Block `id`'s row in the file, if it is pending.
    fn wait_for(&mut self, conn: &Connection, id: i64) -> Result<()> {
        if self.pending.iter().any(|p| p.id == id) {
            self.wait_all(conn)?;
        }
        Ok(())
    }

    /// Every row of `day` in the file.
    fn wait_for_day(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        if self.pending.iter().any(|p| p.day == day) {
            self.wait_all(conn)?;
        }
        Ok(())
    }
}

fn helper_stopped() -> Error {
    Error::Corrupt("the thread compressing contact blocks stopped".into())
}

fn insert_pending(
    conn: &Connection,
    table: BlockTable,
    row: &PendingRow,
    data: &[u8],
) -> Result<()> {
    let block = BlockRow {
        batch: row.batch,
        day: row.day,
        source: &row.source,
        held: row.held,
        last_customer_at: row.last_customer_at,
        keys: &row.keys,
    };
    insert_row(conn, table, Some(row.id), &block, data)?;
    Ok(())
}

#[derive(Debug, Default)]
struct WindowDay {
    blocks: Vec<WindowBlock>,
    /// Key hash → (block, slot); a second key with the same hash goes to `more`.
    keys: FxHashMap<u64, (u32, u32)>,
    more: Vec<(u64, u32, u32)>,
    /// Room `keys` had when the day came in: counted as keys until they fill it.
    reserved: usize,
    /// [`Window::clock`] when a contact of the day was last made ready.
    last_used: u64,
    /// Some key came from elsewhere than an import's backlog being taken: read from the file,
    /// or added before [`Window::settle`] (see [`Window::only_settled_near`]).
    foreign: bool,
}

impl WindowDay {
    /// What the day counts for in [`Window::keys`]: its keys, or the room it holds for them.
    fn weight(&self) -> usize {
        self.keys.len().max(self.reserved) + self.more.len()
    }

    /// Indexes a slot's key; returns how much the day's [`WindowDay::weight`] grew (0 or 1).
    fn index(&mut self, hash: u64, block: u32, slot: u32) -> usize {
        let before = self.weight();
        match self.keys.insert(hash, (block, slot)) {
            None => {}
            Some(old) if old == (block, slot) => {}
            Some(old) => self.more.push((hash, old.0, old.1)),
        }
        self.weight() - before
    }
}

/// The keys of the contacts of the days an import or an undo is working on, and the few blocks
/// it decoded or is filling: where a key is found, a contact taken over, and contacts added.
/// Blocks changed or created here are written by [`Window::save`], when they fill, and when
/// their day leaves the window. Memory stays bounded whatever the file: at most [`WINDOW_KEYS`]
/// keys (the days farthest from the current one leave first), about [`WINDOW_DECODED`] contacts
/// decoded, and [`WINDOW_OPEN`] contacts in blocks being filled (the largest is written early,
/// so a file in no time order makes smaller blocks, not more memory).
///
/// A day no contact was made ready for in the last [`IDLE_CONTACTS`] leaves early: a file in time
/// order keeps a few days, a file in no order keeps every day it can. While an import's rows
/// stream, a day that has left is not loaded again ([`Window::ready`] says no, and its contacts
/// wait in the import's backlog): loading days over and over as rows jump between them was what
/// made unordered files slow. The backlog is taken day by day at the end ([`Window::ensure`]).
#[derive(Debug, Default)]
pub(crate) struct Window {
    days: BTreeMap<NaiveDate, WindowDay>,
    keys: usize,
    decoded: usize,
    open: usize,
    /// The day last made ready: contacts come in runs of one day.
    last_ensured: Option<NaiveDate>,
    /// Keys the day made ready before the last one held: a day coming in gets room for as many,
    /// so its key map is allocated once at about its final size rather than grown (and its
    /// memory copied and faulted in) a dozen times.
    keys_hint: usize,
    /// Key maps of days let go, emptied with their room kept, for the next days to come in.
    spare: Vec<FxHashMap<u64, (u32, u32)>>,
    out: BlockWriter,
    /// Days that left the window since the import began.
    gone: FxHashSet<NaiveDate>,
    /// Days that left for being idle since [`Window::take_idle_gone`] was last asked.
    idle_gone: Vec<NaiveDate>,
    /// Contacts made ready so far: the time [`WindowDay::last_used`] counts in.
    clock: u64,
    /// [`Window::clock`] at which idle days are next looked for.
    next_idle_check: u64,
    /// Days [`Window::ready`] said yes to whose neighbours are all still here, with when each
    /// was last made ready.
    ready_days: FxHashMap<NaiveDate, u64>,
    /// Blocks being filled.
    open_blocks: usize,
    /// An import's backlog is being taken ([`Window::settle`]): keys added now are not foreign.
    settling: bool,
}

/// Keys held at most (about 25 bytes each).
const WINDOW_KEYS: usize = 1_000_000;
/// A day no contact was made ready for in this many leaves the window (but never the current
/// day or the days either side).
const IDLE_CONTACTS: u64 = 65_536;
/// Emptied key maps kept for reuse ([`Window::spare`]).
const SPARE_KEY_MAPS: usize = 2;
const WINDOW_DECODED: usize = 50_000;
const WINDOW_OPEN: usize = 65_536;

/// [`limit`] of a count of contacts made ready.
fn limit_u64(normal: u64, small: u64) -> u64 {
    limit(normal as usize, small as usize) as u64
}

/// A limit, smaller under [`SMALL_BLOCKS`] in tests.
fn limit(normal: usize, _small: usize) -> usize {
    #[cfg(test)]
    if SMALL_BLOCKS.with(|s| s.get()) {
        return _small;
    }
    normal
}

impl Window {
    /// Like [`Window::ensure`], for an import whose rows are streaming, before a contact of
    /// `day` is taken: `false`, with nothing loaded, when `day` or a day either side left the
    /// window since the import began.
    pub(crate) fn ready(&mut self, conn: &Connection, day: NaiveDate) -> Result<bool> {
        self.clock += 1;
        // The usual case, in one look-up whatever the order of the rows.
        if let Some(at) = self.ready_days.get_mut(&day) {
            *at = self.clock;
            if self.clock >= self.next_idle_check {
                self.let_idle_days_go(conn, day)?;
            }
            if self.keys > limit(WINDOW_KEYS, 60) {
                self.make_room(conn, day)?;
            }
            return Ok(true);
        }
        let mut d = day - Duration::days(KEY_DAYS);
        while d <= day + Duration::days(KEY_DAYS) {
            if !self.days.contains_key(&d) && self.gone.contains(&d) {
                return Ok(false);
            }
            d += Duration::days(1);
        }
        self.ensure(conn, day)?;
        self.ready_days.insert(day, self.clock);
        Ok(true)
    }

    /// Lets go of the days no contact was made ready for in the last [`IDLE_CONTACTS`], except
    /// `day` and the days either side.
    fn let_idle_days_go(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        self.next_idle_check = self.clock + limit_u64(IDLE_CONTACTS, 40) / 8;
        // A day is in use while it or a day either side is: its keys are looked in.
        for (d, at) in &self.ready_days {
            for near in self
                .days
                .range_mut(*d - Duration::days(KEY_DAYS)..=*d + Duration::days(KEY_DAYS))
            {
                near.1.last_used = near.1.last_used.max(*at);
            }
        }
        let (from, to) = (
            day - Duration::days(KEY_DAYS),
            day + Duration::days(KEY_DAYS),
        );
        let clock = self.clock;
        let idle: Vec<NaiveDate> = self
            .days
            .iter()
            .filter(|(d, wd)| {
                (**d < from || **d > to) && wd.last_used + limit_u64(IDLE_CONTACTS, 40) < clock
            })
            .map(|(d, _)| *d)
            .collect();
        for d in idle {
            self.unload(conn, d)?;
            self.idle_gone.push(d);
        }
        Ok(())
    }

    /// The days that left the window because no contact came for them in a while, since this
    /// was last asked.
    pub(crate) fn take_idle_gone(&mut self) -> Vec<NaiveDate> {
        std::mem::take(&mut self.idle_gone)
    }

    /// Loads the keys of `day` and the [`KEY_DAYS`] either side; lets far days go when full, and
    /// idle days (see [`IDLE_CONTACTS`]).
    pub(crate) fn ensure(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        if self.last_ensured == Some(day) && self.days.contains_key(&day) {
            return Ok(());
        }
        if let Some(last) = self.last_ensured.and_then(|d| self.days.get(&d)) {
            // Never more than a share of the window, so a huge day cannot crowd out its
            // neighbours with room alone.
            self.keys_hint = last.keys.len().min(limit(WINDOW_KEYS, 60) / KEY_SPAN);
        }
        self.last_ensured = Some(day);
        let (from, to) = (
            day - Duration::days(KEY_DAYS),
            day + Duration::days(KEY_DAYS),
        );
        let mut d = from;
        while d <= to {
            if !self.days.contains_key(&d) {
                self.load(conn, d)?;
            }
            d += Duration::days(1);
        }
        let clock = self.clock;
        if let Some(wd) = self.days.get_mut(&day) {
            wd.last_used = clock;
        }
        if self.clock >= self.next_idle_check {
            self.let_idle_days_go(conn, day)?;
        }
        self.make_room(conn, day)
    }

    /// Lets the days farthest from `day` go while the window holds more than [`WINDOW_KEYS`]
    /// keys (never `day` or the days either side).
    fn make_room(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        let (from, to) = (
            day - Duration::days(KEY_DAYS),
            day + Duration::days(KEY_DAYS),
        );
        while self.keys > limit(WINDOW_KEYS, 60) {
            let far = self
                .days
                .keys()
                .filter(|d| **d < from || **d > to)
                .max_by_key(|d| (**d - day).num_days().abs())
                .copied();
            let Some(far) = far else { break };
            self.unload(conn, far)?;
        }
        Ok(())
    }

    fn load(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        self.out.wait_for_day(conn, day)?;
        let mut keys = self.spare.pop().unwrap_or_default();
        keys.reserve(self.keys_hint);
        let mut wd = WindowDay {
            reserved: keys.capacity(),
            keys,
            last_used: self.clock,
            ..WindowDay::default()
        };
        self.keys += wd.reserved;
        let mut stmt = conn.prepare_cached(
            "SELECT id, batch_id, source, keys FROM contact_block WHERE day = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([day_text(day)])?;
        while let Some(r) = rows.next()? {
            let keys = r.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
            let bi = wd.blocks.len() as u32;
            for (si, k) in keys.chunks_exact(8).enumerate() {
                let h = u64::from_le_bytes([k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]]);
                if h != 0 {
                    self.keys += wd.index(h, bi, si as u32);
                }
            }
            wd.foreign = true;
            wd.blocks.push(WindowBlock {
                id: Some(r.get(0)?),
                batch_id: r.get(1)?,
                source: r.get(2)?,
                slots: None,
                appended: None,
                dirty: false,
            });
        }
        self.days.insert(day, wd);
        Ok(())
    }

    /// Writes what changed on `day` and lets it go.
    fn unload(&mut self, conn: &Connection, day: NaiveDate) -> Result<()> {
        if let Some(mut wd) = self.days.remove(&day) {
            self.gone.insert(day);
            let mut d = day - Duration::days(KEY_DAYS);
            while d <= day + Duration::days(KEY_DAYS) {
                if let Some(at) = self.ready_days.remove(&d) {
                    if let Some(near) = self.days.get_mut(&d) {
                        near.last_used = near.last_used.max(at);
                    }
                }
                d += Duration::days(1);
            }
            self.keys -= wd.weight();
            for b in &mut wd.blocks {
                let closed = write_block(&mut self.out, conn, day, b, true)?;
                self.closed(closed);
                self.decoded -= b.len();
            }
            if self.spare.len() < SPARE_KEY_MAPS {
                wd.keys.clear();
                self.spare.push(wd.keys);
            }
        }
        Ok(())
    }

    /// Decodes block `bi` of a loaded day; lets other clean blocks' contacts go first when
    /// many are decoded.
    fn decode(&mut self, conn: &Connection, day: NaiveDate, bi: usize) -> Result<()> {
        let id = match self.days.get_mut(&day).and_then(|wd| wd.blocks.get_mut(bi)) {
            Some(b) if b.appended.is_some() => return b.unappend(),
            Some(b) if b.slots.is_none() => b.id.unwrap_or(0),
            _ => return Ok(()),
        };
        if self.decoded > limit(WINDOW_DECODED, 20) {
            for wd in self.days.values_mut() {
                for b in &mut wd.blocks {
                    if !b.dirty && b.id.is_some() {
                        self.decoded -= b.len();
                        b.release();
                    }
                }
            }
        }
        let slots = if id == 0 {
            Vec::new()
        } else {
            self.out.wait_for(conn, id)?;
            let data: Vec<u8> = conn
                .prepare_cached("SELECT data FROM contact_block WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
            decode(&data)?
        };
        self.decoded += slots.len();
        if let Some(b) = self.days.get_mut(&day).and_then(|wd| wd.blocks.get_mut(bi)) {
            b.slots = Some(slots);
        }
        Ok(())
    }

    /// From now on the contacts added are an import's backlog being taken, day by day in day
    /// order, each day's in the order they came ([`Window::only_settled_near`]).
    pub(crate) fn settle(&mut self) {
        self.settling = true;
    }

    /// Whether every key the window holds within [`KEY_DAYS`] of `day` is one added since
    /// [`Window::settle`] (a contact of the backlog taken before), none read from the file or
    /// added while rows streamed, with every one of those days in the window (after
    /// [`Window::ensure`] of `day`). Then a contact of `day` whose key hash no contact of the
    /// backlog taken before it had cannot be found here, and need not be looked for.
    pub(crate) fn only_settled_near(&self, day: NaiveDate) -> bool {
        let (from, to) = (
            day - Duration::days(KEY_DAYS),
            day + Duration::days(KEY_DAYS),
        );
        self.settling
            && self.days.range(from..=to).count() == KEY_SPAN
            && self.days.range(from..=to).all(|(_, wd)| !wd.foreign)
    }

    /// The contact with this source and key on `day` or within [`KEY_DAYS`] of it (the window
    /// must hold those days: [`Window::ensure`]); its block is decoded.
    pub(crate) fn find(
        &mut self,
        conn: &Connection,
        source: &str,
        key: &str,
        day: NaiveDate,
    ) -> Result<Option<Slot>> {
        self.find_hashed(conn, key_hash(source, key), source, key, day)
    }

    /// [`Window::find`] with the key's hash already known.
    pub(crate) fn find_hashed(
        &mut self,
        conn: &Connection,
        h: u64,
        source: &str,
        key: &str,
        day: NaiveDate,
    ) -> Result<Option<Slot>> {
        let (from, to) = (
            day - Duration::days(KEY_DAYS),
            day + Duration::days(KEY_DAYS),
        );
        // The days whose keys hold the hash, found in one walk of the window; the contact's own
        // day first: a later delivery almost always lands there.
        let mut hit_days = [day; KEY_SPAN];
        let mut hits = 0;
        let mut own = false;
        for (d, wd) in self.days.range(from..=to) {
            if wd.keys.contains_key(&h) {
                if *d == day {
                    own = true;
                } else {
                    hits += 1;
                    hit_days[hits] = *d;
                }
            }
        }
        let first = if own { 0 } else { 1 };
        for &d in &hit_days[first..=hits] {
            let candidates: Vec<(u32, u32)> = match self.days.get(&d) {
                None => continue,
                Some(wd) => match wd.keys.get(&h) {
                    None => continue,
                    Some(first) => std::iter::once(*first)
                        .chain(wd.more.iter().filter(|m| m.0 == h).map(|m| (m.1, m.2)))
                        .collect(),
                },
            };
            for (bi, si) in candidates {
                self.decode(conn, d, bi as usize)?;
                let at = Slot {
                    day: d,
                    block: bi,
                    slot: si,
                };
                if let Some((b, c)) = self.get(at) {
                    if b.source == source && c.contact_key == key {
                        return Ok(Some(at));
                    }
                }
            }
        }
        Ok(None)
    }

    /// The block and contact at a slot (its block decoded).
    pub(crate) fn get(&self, at: Slot) -> Option<(&WindowBlock, &StoredContact)> {
        let b = self.days.get(&at.day)?.blocks.get(at.block as usize)?;
        let c = b.slots.as_ref()?.get(at.slot as usize)?.as_ref()?;
        Some((b, c))
    }

    /// Empties a slot (the contact was taken over) and returns what it held.
    pub(crate) fn take(&mut self, at: Slot) -> Option<StoredContact> {
        let b = self
            .days
            .get_mut(&at.day)?
            .blocks
            .get_mut(at.block as usize)?;
        let c = b.slots.as_mut()?.get_mut(at.slot as usize)?.take();
        b.dirty |= c.is_some();
        c
    }

    /// Puts a contact in a slot of a decoded block (replacing what it holds).
    pub(crate) fn put(&mut self, at: Slot, c: StoredContact) {
        let Some(wd) = self.days.get_mut(&at.day) else {
            return;
        };
        let Some(b) = wd.blocks.get_mut(at.block as usize) else {
            return;
        };
        let h = key_hash(&b.source, &c.contact_key);
        if let Some(s) = b.slots.as_mut().and_then(|s| s.get_mut(at.slot as usize)) {
            *s = Some(c);
            b.dirty = true;
            wd.foreign |= !self.settling;
            self.keys += wd.index(h, at.block, at.slot);
        }
    }

    /// The slot of block `block_id` on `day`, its block decoded, if the block is still there.
    pub(crate) fn slot_of(
        &mut self,
        conn: &Connection,
        day: NaiveDate,
        block_id: i64,
        slot: u32,
    ) -> Result<Option<Slot>> {
        if !self.days.contains_key(&day) {
            self.load(conn, day)?;
        }
        let Some(bi) = self.days[&day]
            .blocks
            .iter()
            .position(|b| b.id == Some(block_id))
        else {
            return Ok(None);
        };
        self.decode(conn, day, bi)?;
        let len = self.days[&day].blocks[bi].len();
        Ok((len > slot as usize).then_some(Slot {
            day,
            block: bi as u32,
            slot,
        }))
    }

    /// Adds a contact to `batch`'s open block of `day` (a new block once the open one is full,
    /// the full one written and let go).
    pub(crate) fn append(
        &mut self,
        conn: &Connection,
        batch: i64,
        source: &str,
        day: NaiveDate,
        c: StoredContact,
    ) -> Result<Slot> {
        let bi = self.open_block(conn, batch, source, day)?;
        let h = key_hash(source, &c.contact_key);
        let b = &mut self.days.get_mut(&day).expect("loaded").blocks[bi];
        match b.appended.as_mut() {
            Some(a) => {
                if c.customer_key.is_some() {
                    a.last_customer_at = a.last_customer_at.max(Some(c.started_at));
                }
                a.raw = postcard::to_extend(&Some(c), std::mem::take(&mut a.raw))
                    .map_err(|e| Error::Corrupt(format!("a contact could not be encoded: {e}")))?;
                a.keys.extend_from_slice(&h.to_le_bytes());
                a.len += 1;
            }
            None => b.slots.get_or_insert_with(Vec::new).push(Some(c)),
        }
        Ok(self.appended(day, bi, h))
    }

    /// [`Window::append`] of a new contact encoded by a parsing thread, with its member ids.
    pub(crate) fn append_encoded(
        &mut self,
        conn: &Connection,
        batch: i64,
        source: &str,
        day: NaiveDate,
        c: &EncodedContact,
        ids: &[Option<i64>; 6],
    ) -> Result<Slot> {
        self.append_bytes(
            conn,
            (batch, source, day),
            c.hash,
            c.customer_at,
            |out| c.write(ids, out),
            || c.decode(ids),
        )
    }

    /// [`Window::append`] of a new contact already encoded with its member ids: the encoding of
    /// `Some(contact)`, as the import's backlog keeps it, with the hash of its key and its start
    /// when it names its customer.
    pub(crate) fn append_raw(
        &mut self,
        conn: &Connection,
        (batch, source, day): (i64, &str, NaiveDate),
        hash: u64,
        customer_at: Option<i64>,
        bytes: &[u8],
    ) -> Result<Slot> {
        self.append_bytes(
            conn,
            (batch, source, day),
            hash,
            customer_at,
            |out| out.extend_from_slice(bytes),
            || match postcard::from_bytes::<Option<StoredContact>>(bytes) {
                Ok(Some(c)) => Ok(c),
                _ => Err(Error::Corrupt("a waiting contact could not be read".into())),
            },
        )
    }

    /// Adds a contact to the open block of `batch`, `source` and `day`: `write` appends its
    /// encoding to a block being filled as bytes, `decode` gives it to a block already decoded.
    fn append_bytes(
        &mut self,
        conn: &Connection,
        (batch, source, day): (i64, &str, NaiveDate),
        hash: u64,
        customer_at: Option<i64>,
        write: impl FnOnce(&mut Vec<u8>),
        decode: impl FnOnce() -> Result<StoredContact>,
    ) -> Result<Slot> {
        let bi = self.open_block(conn, batch, source, day)?;
        // Room a block being filled may take at once: its share of the window's open contacts.
        let share = limit(WINDOW_OPEN, 30) / self.open_blocks.max(1);
        let wd = self.days.get_mut(&day).expect("loaded");
        let b = &mut wd.blocks[bi];
        match b.appended.as_mut() {
            Some(a) => {
                a.last_customer_at = a.last_customer_at.max(customer_at);
                if a.len == RESERVE_AFTER {
                    // A block that got this far usually fills: room for the rest at once (or for
                    // its share when many are open, rows in no time order), rather than growing
                    // (and copying) it a dozen times.
                    let per_contact = a.slots().len() / a.len;
                    let rest = limit(BLOCK_CONTACTS, 7).min(share).saturating_sub(a.len);
                    a.raw.reserve(rest * (per_contact + per_contact / 8));
                }
                write(&mut a.raw);
                a.keys.extend_from_slice(&hash.to_le_bytes());
                a.len += 1;
            }
            None => b.slots.get_or_insert_with(Vec::new).push(Some(decode()?)),
        }
        // Indexed as the block's last slot (what `appended` does, without looking the day up
        // again: this runs for every new contact).
        let si = (b.len() - 1) as u32;
        wd.foreign |= !self.settling;
        self.keys += wd.index(hash, bi as u32, si);
        self.open += 1;
        self.decoded += 1;
        Ok(Slot {
            day,
            block: bi as u32,
            slot: si,
        })
    }

    /// The open block of `batch` and `source` on `day` with room for one more contact.
    fn open_block(
        &mut self,
        conn: &Connection,
        batch: i64,
        source: &str,
        day: NaiveDate,
    ) -> Result<usize> {
        let full = limit(BLOCK_CONTACTS, 7);
        // Nearly always: the day is loaded and its open block has room.
        if self.open < limit(WINDOW_OPEN, 30) {
            if let Some(wd) = self.days.get_mut(&day) {
                if let Some(bi) = wd.blocks.iter().rposition(|b| b.open(batch, source)) {
                    if wd.blocks[bi].len() < full {
                        return Ok(bi);
                    }
                }
            }
        }
        if !self.days.contains_key(&day) {
            self.load(conn, day)?;
        }
        if self.open >= limit(WINDOW_OPEN, 30) {
            self.write_largest_open(conn)?;
        }
        let open = self.days[&day]
            .blocks
            .iter()
            .rposition(|b| b.open(batch, source));
        let open = match open {
            Some(bi) if self.days[&day].blocks[bi].len() >= full => {
                self.write_at(conn, day, bi, true)?;
                None
            }
            other => other,
        };
        let wd = self.days.get_mut(&day).expect("loaded above");
        let open_blocks = &mut self.open_blocks;
        Ok(open.unwrap_or_else(|| {
            *open_blocks += 1;
            wd.blocks.push(WindowBlock {
                id: None,
                batch_id: batch,
                source: source.to_string(),
                slots: None,
                appended: Some(Appended::default()),
                dirty: true,
            });
            wd.blocks.len() - 1
        }))
    }

    /// Indexes the contact just added as the last slot of block `bi` of `day`.
    fn appended(&mut self, day: NaiveDate, bi: usize, hash: u64) -> Slot {
        let wd = self.days.get_mut(&day).expect("loaded");
        let si = (wd.blocks[bi].len() - 1) as u32;
        wd.foreign |= !self.settling;
        self.keys += wd.index(hash, bi as u32, si);
        self.open += 1;
        self.decoded += 1;
        Slot {
            day,
            block: bi as u32,
            slot: si,
        }
    }

    /// Counts a block that stopped being filled, holding `contacts`.
    fn closed(&mut self, contacts: usize) {
        if contacts > 0 {
            self.open -= contacts;
            self.open_blocks -= 1;
        }
    }

    /// Writes block `bi` of `day`; `release` lets its contacts go from memory.
    fn write_at(
        &mut self,
        conn: &Connection,
        day: NaiveDate,
        bi: usize,
        release: bool,
    ) -> Result<()> {
        let Some(b) = self.days.get_mut(&day).and_then(|wd| wd.blocks.get_mut(bi)) else {
            return Ok(());
        };
        let closed = write_block(&mut self.out, conn, day, b, release)?;
        let released = match release {
            true => {
                let n = b.len();
                b.release();
                n
            }
            false => 0,
        };
        self.decoded -= released;
        self.closed(closed);
        Ok(())
    }

    /// Writes the largest block being filled.
    fn write_largest_open(&mut self, conn: &Connection) -> Result<()> {
        let largest = self
            .days
            .iter()
            .flat_map(|(d, wd)| {
                wd.blocks
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.id.is_none())
                    .map(move |(bi, b)| (b.len(), *d, bi))
            })
            .max();
        if let Some((_, day, bi)) = largest {
            self.write_at(conn, day, bi, true)?;
        }
        Ok(())
    }

    /// Lets every day go: blocks being filled go to the compressing thread all at once (their
    /// encodings are in memory already), other changed blocks are written. The caller does
    /// other work meanwhile, then [`Window::save`] waits for the compressed ones.
    pub(crate) fn save_later(&mut self, conn: &Connection) -> Result<()> {
        self.out.unlimited = true;
        let days: Vec<NaiveDate> = self.days.keys().copied().collect();
        let unloaded = days.into_iter().try_for_each(|day| self.unload(conn, day));
        self.out.unlimited = false;
        unloaded
    }

    /// Writes every block changed or created in the window.
    pub(crate) fn save(&mut self, conn: &Connection) -> Result<()> {
        for (day, wd) in self.days.iter_mut() {
            for b in &mut wd.blocks {
                let closed = write_block(&mut self.out, conn, *day, b, false)?;
                if closed > 0 {
                    self.open -= closed;
                    self.open_blocks -= 1;
                }
            }
        }
        self.out.wait_all(conn)
    }

    /// Every block written so far is in the file, for a reader outside the window.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.out.wait_all(conn)
    }
}

/// The duplicates one import meets, kept in blocks of `duplicate_block` (one batch and source,
/// a day's copies to a block, up to [`BLOCK_CONTACTS`]), written as they fill (compressed on a
/// helper thread, as contact blocks are) and at the end. At most [`WINDOW_OPEN`] copies wait in
/// blocks being filled: past that the largest is written early.
#[derive(Debug, Default)]
pub(crate) struct DuplicateBlocks {
    open: BTreeMap<NaiveDate, Appended>,
    held: usize,
    out: BlockWriter,
}

impl DuplicateBlocks {
    pub(crate) fn new() -> DuplicateBlocks {
        DuplicateBlocks {
            out: BlockWriter {
                table: BlockTable::Duplicates,
                ..BlockWriter::default()
            },
            ..DuplicateBlocks::default()
        }
    }

    /// Keeps one copy offered by `batch` on `day`: `write` appends the encoding of
    /// `Some(contact)`; `hash` is its key's.
    pub(crate) fn keep(
        &mut self,
        conn: &Connection,
        (batch, source, day): (i64, &str, NaiveDate),
        hash: u64,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> Result<()> {
        if self.held >= limit(WINDOW_OPEN, 30) && !self.open.contains_key(&day) {
            let largest = self.open.iter().max_by_key(|(_, a)| a.len).map(|(d, _)| *d);
            if let Some(d) = largest {
                self.write_day(conn, (batch, source, d))?;
            }
        }
        let a = self.open.entry(day).or_default();
        write(&mut a.raw);
        a.keys.extend_from_slice(&hash.to_le_bytes());
        a.len += 1;
        self.held += 1;
        if a.len >= limit(BLOCK_CONTACTS, 7) {
            self.write_day(conn, (batch, source, day))?;
        }
        Ok(())
    }

    /// Writes `day`'s block being filled (compressed on the helper thread).
    fn write_day(
        &mut self,
        conn: &Connection,
        (batch, source, day): (i64, &str, NaiveDate),
    ) -> Result<()> {
        let Some(mut a) = self.open.remove(&day) else {
            return Ok(());
        };
        self.held -= a.len;
        a.write_length();
        let id = self.out.next_id(conn)?;
        let row = PendingRow {
            id,
            batch,
            day,
            source: source.to_string(),
            held: a.len,
            last_customer_at: None,
            keys: std::mem::take(&mut a.keys),
        };
        let start = a.encoding().as_ptr() as usize - a.raw.as_ptr() as usize;
        self.out.compress_later(conn, row, a.raw, start)
    }

    /// Writes every block being filled, and waits until all are in the file.
    pub(crate) fn save(&mut self, conn: &Connection, batch: i64, source: &str) -> Result<()> {
        self.out.unlimited = true;
        let days: Vec<NaiveDate> = self.open.keys().copied().collect();
        let written = days
            .into_iter()
            .try_for_each(|d| self.write_day(conn, (batch, source, d)));
        self.out.unlimited = false;
        written?;
        self.out.wait_all(conn)
    }
}

/// Format 6 → 7: every `interaction` row moves into the blocks of its batch and day, in id order,
/// then the table goes.
pub(crate) fn move_rows_into_blocks(conn: &Connection) -> Result<()> {
    move_into_blocks(
        conn,
        &format!("SELECT {ROW_COLUMNS} FROM interaction ORDER BY batch_id, day, id"),
        BlockTable::Contacts,
    )?;
    conn.execute_batch("DROP TABLE interaction;")?;
    Ok(())
}

/// Format 7 → 8: every `interaction_duplicate` row moves into the duplicate blocks of its batch,
/// day and source, in row order (the order undo takes copies in), then the table goes.
pub(crate) fn move_duplicates_into_blocks(conn: &Connection) -> Result<()> {
    move_into_blocks(
        conn,
        &format!(
            "SELECT {ROW_COLUMNS} FROM interaction_duplicate ORDER BY batch_id, day, source, rowid"
        ),
        BlockTable::Duplicates,
    )?;
    conn.execute_batch("DROP TABLE interaction_duplicate;")?;
    Ok(())
}

/// Packs the rows `sql` reads ([`ROW_COLUMNS`], grouped by batch, day and source) into blocks
/// of `table`.
fn move_into_blocks(conn: &Connection, sql: &str, table: BlockTable) -> Result<()> {
    {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let mut open: Option<Block> = None;
        while let Some(r) = rows.next()? {
            let (batch, source, day, c) = StoredContact::from_row(r, 0)?;
            let day = parse_day(&day)?;
            let same = open.as_ref().is_some_and(|b| {
                b.batch_id == batch
                    && b.day == day
                    && b.source == source
                    && b.slots.len() < limit(BLOCK_CONTACTS, 7)
            });
            if !same {
                if let Some(mut b) = open.take() {
                    b.save_in(conn, table)?;
                }
                open = Some(Block {
                    id: None,
                    batch_id: batch,
                    day,
                    source,
                    slots: Vec::new(),
                    dirty: true,
                });
            }
            if let Some(b) = open.as_mut() {
                b.slots.push(Some(c));
            }
        }
        if let Some(mut b) = open {
            b.save_in(conn, table)?;
        }
    }
    Ok(())
}

/// Contacts of a few days found by key alone, any source, for linking surveys: each day's keys
/// and the member ids of the first contact (in block order) with that key.
#[derive(Debug, Default)]
pub(crate) struct KeyDays {
    days: BTreeMap<NaiveDate, FxHashMap<u64, [Option<i64>; 6]>>,
}

/// A survey's contact is looked for on the survey's day, the day after (time zones), and the
/// [`SURVEY_DAYS_BEFORE`] days before it.
pub(crate) const SURVEY_DAYS_BEFORE: i64 = 31;

impl KeyDays {
    /// Member ids of the contact `key` names, near `day`.
    pub(crate) fn find(
        &mut self,
        conn: &Connection,
        key: &str,
        day: NaiveDate,
    ) -> Result<Option<[Option<i64>; 6]>> {
        let (from, to) = (
            day - Duration::days(SURVEY_DAYS_BEFORE),
            day + Duration::days(1),
        );
        // Days far behind the surveys read so far are let go.
        while self.days.len() > 2 * (SURVEY_DAYS_BEFORE as usize + 2) {
            let far = *self
                .days
                .keys()
                .max_by_key(|d| (**d - day).num_days().abs())
                .expect("not empty");
            self.days.remove(&far);
        }
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let mut d = to;
        while d >= from {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.days.entry(d) {
                let mut map: FxHashMap<u64, [Option<i64>; 6]> = FxHashMap::default();
                read_blocks(
                    conn,
                    "SELECT id, batch_id, day, source, data FROM contact_block WHERE day = ?1 ORDER BY id",
                    [day_text(d)],
                    |b| {
                        for c in b.held() {
                            map.entry(xxhash_rust::xxh3::xxh3_64(c.contact_key.as_bytes()))
                                .or_insert(c.ids);
                        }
                        Ok(())
                    },
                )?;
                slot.insert(map);
            }
            if let Some(ids) = self.days[&d].get(&h) {
                return Ok(Some(*ids));
            }
            d -= Duration::days(1);
        }
        Ok(None)
    }
}

#[cfg(test)]
impl super::WriteTx<'_> {
    /// Stores one contact with the fields repeat-contact FCR reads, in a block of its own.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn test_contact(
        &mut self,
        batch: i64,
        key: &str,
        started_at: i64,
        day: NaiveDate,
        program_id: Option<i64>,
        customer: Option<&str>,
        outcome: Outcome,
    ) {
        let c = StoredContact {
            contact_key: key.into(),
            started_at,
            ids: [None, program_id, None, None, None, None],
            customer_key: customer.map(str::to_string),
            direction: None,
            outcome: outcome_code(outcome),
            wait_s: None,
            talk_s: None,
            hold_s: None,
            wrap_s: None,
            handle_s: None,
            transferred: None,
            resolved: None,
            csat: None,
            nps: None,
            ces: None,
            source_updated_at: None,
        };
        Block {
            id: None,
            batch_id: batch,
            day,
            source: "generic".into(),
            slots: vec![Some(c)],
            dirty: true,
        }
        .save(self.conn())
        .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(key: &str) -> StoredContact {
        StoredContact::new(
            interaction(key),
            [Some(1), Some(2), None, Some(4), None, Some(300)],
        )
    }

    /// The rows of a two-column query.
    fn pairs<A: rusqlite::types::FromSql, B: rusqlite::types::FromSql>(
        conn: &Connection,
        sql: &str,
    ) -> Vec<(A, B)> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Runs `f` in a write transaction of a new workspace, with a batch begun.
    fn in_a_batch(f: impl FnOnce(&Connection, i64)) {
        use crate::store::{NewBatch, Workspace};
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
            .unwrap()
            .into();
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::settings::Settings {
            client_name: "Contoso".into(),
            ..Default::default()
        };
        let mut ws = Workspace::create(&dir.path().join("w.qbr"), &settings, now).unwrap();
        let mut tx = ws.write().unwrap();
        let batch = tx
            .new_batch(&NewBatch::test("interactions", "a.csv"))
            .unwrap();
        f(tx.conn(), batch);
    }

    /// A day's key map is allocated at about its final size (as many keys as the day before
    /// held) and reused once a day leaves; the room counts against the window's limit.
    #[test]
    fn a_day_coming_in_has_room_for_its_keys_and_the_room_is_counted() {
        in_a_batch(|conn, batch| {
            SMALL_BLOCKS.with(|s| s.set(true));
            let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
            let weights = |w: &Window| w.days.values().map(WindowDay::weight).sum::<usize>();
            let mut w = Window::default();
            w.ensure(conn, day(1)).unwrap();
            assert_eq!(w.keys, 0, "nothing known of the days yet: no room");
            for i in 0..10 {
                w.append(conn, batch, "connect", day(1), contact(&format!("a{i}")))
                    .unwrap();
            }
            assert_eq!(w.keys, 10);
            // The 4th comes in now (two days either side of the 2nd), with room for 10 keys.
            w.ensure(conn, day(2)).unwrap();
            let room = w.days[&day(4)].keys.capacity();
            assert!(room >= 10, "room for the 1st day's 10 keys, not {room}");
            assert_eq!(w.keys, 10 + room);
            assert_eq!(w.keys, weights(&w));
            // Keys filling that room do not count twice.
            for i in 0..10 {
                w.append(conn, batch, "connect", day(4), contact(&format!("b{i}")))
                    .unwrap();
            }
            assert_eq!(w.keys, 10 + room);
            assert_eq!(w.days[&day(4)].keys.capacity(), room, "never grown");
            // A day let go hands its emptied map to the next day to come in.
            w.unload(conn, day(1)).unwrap();
            assert_eq!(w.keys, room);
            let spare = w.spare[0].capacity();
            w.ensure(conn, day(4)).unwrap();
            assert!(
                w.spare.is_empty(),
                "the 5th took it (the 6th too, had it been there)"
            );
            assert_eq!(w.days[&day(5)].keys.capacity(), spare);
            assert_eq!(w.keys, weights(&w));
            // The 1st comes back with its keys from the file.
            w.ensure(conn, day(1)).unwrap();
            assert!(w.find(conn, "connect", "a9", day(1)).unwrap().is_some());
            assert_eq!(w.keys, weights(&w));
            SMALL_BLOCKS.with(|s| s.set(false));
        });
    }

    /// At the end of an import every day's open block goes to the compressing thread at once,
    /// not four at a time, so the writing thread can go on; `save` then puts them all in the file.
    #[test]
    fn letting_every_day_go_hands_all_open_blocks_over_without_waiting() {
        in_a_batch(|conn, batch| {
            let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
            let mut w = Window::default();
            // The compressing thread finishes nothing until told (or after five seconds, when
            // the writer waited for it, which fails the count below).
            let hold = Arc::new((Mutex::new(false), Condvar::new()));
            w.out.compressor = Compressor::spawn_held(Some(Arc::clone(&hold)));
            for d in 1..=6 {
                w.ensure(conn, day(d)).unwrap();
                for i in 0..3 {
                    w.append(conn, batch, "connect", day(d), contact(&format!("{d}-{i}")))
                        .unwrap();
                }
            }
            w.save_later(conn).unwrap();
            assert!(w.days.is_empty(), "every day let go");
            assert_eq!(
                w.out.pending.len(),
                6,
                "six blocks in flight, none waited for"
            );
            *hold.0.lock().unwrap() = true;
            hold.1.notify_all();
            w.save(conn).unwrap();
            assert!(w.out.pending.is_empty());
            let held: Vec<(String, i64)> =
                pairs(conn, "SELECT day, contacts FROM contact_block ORDER BY id");
            let expected: Vec<(String, i64)> = (1..=6).map(|d| (day_text(day(d)), 3)).collect();
            assert_eq!(held, expected);
            // And each reads back.
            w.ensure(conn, day(6)).unwrap();
            let at = w
                .find(conn, "connect", "6-2", day(6))
                .unwrap()
                .expect("held");
            assert_eq!(w.get(at).unwrap().1.contact_key, "6-2");
        });
    }

    #[test]
    fn blocks_still_being_compressed_are_in_the_file_before_they_are_read() {
        in_a_batch(|conn, batch| {
            let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
            let keys_in_file = || -> i64 {
                conn.query_row(
                    "SELECT coalesce(sum(contacts), 0) FROM contact_block",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
            };
            SMALL_BLOCKS.with(|s| s.set(true));
            let mut w = Window::default();
            // Seven contacts fill a block; the eighth sends it to the helper and opens another.
            for i in 0..8 {
                w.append(conn, batch, "connect", day, contact(&format!("k{i}")))
                    .unwrap();
            }
            assert_eq!(w.out.pending.len(), 1, "the full block is being compressed");
            assert_eq!(keys_in_file(), 0, "its row waits for its data");
            // Looking into it waits for its row, then reads it.
            let at = w
                .find(conn, "connect", "k0", day)
                .unwrap()
                .expect("k0 is held");
            assert_eq!(w.get(at).unwrap().1.contact_key, "k0");
            assert!(w.out.pending.is_empty());
            assert_eq!(keys_in_file(), 7);
            // The day leaves the window, its last block going to the helper; when the day comes
            // back, its keys are read with that block's.
            for i in 8..14 {
                w.append(conn, batch, "connect", day, contact(&format!("k{i}")))
                    .unwrap();
            }
            w.unload(conn, day).unwrap();
            assert_eq!(
                w.out.pending.len(),
                1,
                "the day's second block is being compressed"
            );
            w.ensure(conn, day).unwrap();
            assert_eq!(keys_in_file(), 14);
            let at = w
                .find(conn, "connect", "k13", day)
                .unwrap()
                .expect("k13 is held");
            assert_eq!(w.get(at).unwrap().1.contact_key, "k13");
            // Ids are the ones SQLite would have given, in the order the blocks were written.
            w.save(conn).unwrap();
            let ids: Vec<(i64, i64)> =
                pairs(conn, "SELECT id, contacts FROM contact_block ORDER BY id");
            assert_eq!(ids, vec![(1, 7), (2, 7)]);
            SMALL_BLOCKS.with(|s| s.set(false));
        });
    }

    #[test]
    fn a_block_reads_back_exactly_what_was_written() {
        let slots = vec![Some(contact("a")), None, Some(contact("ünïcode ✓"))];
        let data = encode(&slots).unwrap();
        assert_eq!(data[0], CODEC_POSTCARD_LZ4);
        assert_eq!(decode(&data).unwrap(), slots);
        assert_eq!(decode(&encode(&[]).unwrap()).unwrap(), vec![]);
    }

    fn interaction(key: &str) -> Interaction {
        Interaction {
            source: "connect".into(),
            contact_key: key.into(),
            started_at: 1_782_900_000,
            day: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            channel: Some(Channel::Chat),
            program: Some("Billing".into()),
            queue: None,
            site: None,
            team: None,
            agent: Some("Ana".into()),
            customer_key: Some("cust-7".into()),
            direction: Some("inbound".into()),
            outcome: Outcome::Abandoned,
            wait_s: Some(12.25),
            talk_s: None,
            hold_s: Some(0.0),
            wrap_s: Some(1e-3),
            handle_s: Some(f64::MAX),
            transferred: Some(false),
            resolved: None,
            csat: Some(5),
            nps: Some(-1),
            ces: None,
            source_updated_at: Some(i64::MIN),
        }
    }

    #[test]
    fn a_contact_encoded_in_parts_is_the_contact_encoded_whole() {
        let ids = [
            Some(1),
            Some(i64::MAX),
            None,
            Some(-4),
            Some(i64::MIN),
            Some(300_000),
        ];
        let mut bare = interaction("");
        bare.customer_key = None;
        bare.direction = None;
        bare.wait_s = None;
        bare.source_updated_at = None;
        for c in [interaction("C-1"), interaction("ünïcode ✓"), bare] {
            let e = EncodedContact::new(&c).unwrap();
            let stored = StoredContact::new(c.clone(), ids);
            let mut parts = Vec::new();
            e.write(&ids, &mut parts);
            assert_eq!(parts, postcard::to_allocvec(&Some(&stored)).unwrap());
            assert_eq!(e.decode(&ids).unwrap(), stored);
            assert_eq!(e.hash, key_hash("connect", &c.contact_key));
        }
        // Slots appended one after the other are a block's encoding without its length.
        let (a, b) = (interaction("a"), interaction("b"));
        let mut raw = Vec::new();
        EncodedContact::new(&a).unwrap().write(&ids, &mut raw);
        raw.push(0); // an empty slot
        EncodedContact::new(&b).unwrap().write(&ids, &mut raw);
        let slots = vec![
            Some(StoredContact::new(a, ids)),
            None,
            Some(StoredContact::new(b, ids)),
        ];
        assert_eq!(decode_slots(&raw, 3).unwrap(), slots);
        let mut whole = Vec::new();
        push_varint(&mut whole, 3);
        whole.extend_from_slice(&raw);
        assert_eq!(decode(&compress(&whole)).unwrap(), slots);
        assert!(decode_slots(&raw[..raw.len() - 1], 3).is_err());
    }

    mod read_in_place {
        use super::super::*;
        use proptest::prelude::*;

        fn contact() -> impl Strategy<Value = StoredContact> {
            let text = "\\PC{0,40}";
            let real = prop_oneof![Just(None), any::<f64>().prop_map(Some)];
            let int = prop_oneof![Just(None), any::<i64>().prop_map(Some)];
            let flag = prop_oneof![Just(None), any::<bool>().prop_map(Some)];
            (
                (text, any::<i64>(), proptest::array::uniform6(int.clone())),
                (
                    proptest::option::of(text),
                    proptest::option::of(text),
                    any::<u8>(),
                ),
                (real.clone(), real.clone(), real.clone(), real.clone(), real),
                (
                    flag.clone(),
                    flag,
                    int.clone(),
                    int.clone(),
                    int.clone(),
                    int,
                ),
            )
                .prop_map(
                    |((key, at, ids), (customer, direction, outcome), r, (t, s, cs, n, ce, up))| {
                        StoredContact {
                            contact_key: key,
                            started_at: at,
                            ids,
                            customer_key: customer,
                            direction,
                            outcome,
                            wait_s: r.0,
                            talk_s: r.1,
                            hold_s: r.2,
                            wrap_s: r.3,
                            handle_s: r.4,
                            transferred: t,
                            resolved: s,
                            csat: cs,
                            nps: n,
                            ces: ce,
                            source_updated_at: up,
                        }
                    },
                )
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

            /// Whatever a contact holds (any text, extreme numbers, NaN and infinities, missing
            /// values), reading its postcard encoding by hand gives it back bit for bit, and a
            /// cut or lengthened encoding is an error, never a wrong contact.
            #[test]
            fn a_contact_read_in_place_is_the_contact_postcard_wrote(c in contact()) {
                let bytes = postcard::to_allocvec(&Some(&c)).unwrap();
                let view = ContactView::read(&bytes).unwrap();
                let back = view.to_stored();
                prop_assert_eq!(
                    postcard::to_allocvec(&Some(&back)).unwrap(),
                    bytes.clone(),
                    "the same bytes again (floats compared bit for bit)"
                );
                prop_assert_eq!(view.contact_key, c.contact_key.as_str());
                prop_assert_eq!(view.ids, c.ids);
                prop_assert!(ContactView::read(&bytes[..bytes.len() - 1]).is_err());
                let mut longer = bytes.clone();
                longer.push(0);
                prop_assert!(ContactView::read(&longer).is_err());
            }
        }
    }

    #[test]
    fn an_appended_block_is_its_slots_encoding_whatever_its_length() {
        let ids = [Some(1), Some(2), None, Some(4), None, Some(6)];
        for n in [1usize, 127, 128, 300] {
            let mut a = Appended::default();
            let mut slots = Vec::new();
            for i in 0..n {
                let c = interaction(&format!("C-{i}"));
                EncodedContact::new(&c).unwrap().write(&ids, &mut a.raw);
                a.len += 1;
                slots.push(Some(StoredContact::new(c, ids)));
            }
            a.write_length();
            assert_eq!(a.encoding(), postcard::to_allocvec(&slots).unwrap(), "{n}");
            assert_eq!(decode(&compress(a.encoding())).unwrap(), slots, "{n}");
        }
        // The layout files already hold: the codec, then lz4_flex's size-prepended block.
        let raw = b"abcabcabcabcabcabc-xyz".repeat(50);
        let data = compress(&raw);
        assert_eq!(data[0], CODEC_POSTCARD_LZ4);
        assert_eq!(&data[1..], lz4_flex::compress_prepend_size(&raw));
    }

    #[test]
    fn a_block_compressed_by_the_lz4_flex_of_earlier_builds_still_decompresses() {
        // Workspaces of formats 7 to 10 hold blocks that lz4_flex 0.11 compressed. These bytes
        // are what 0.11.7's `compress_prepend_size` gave for the text below (a scratch program
        // run once when this build moved to 0.14): the block format is LZ4's, not the crate's.
        let old: String = [
            "08070000f61e636f6e74616374203030303a2068616e646c65642c207761697420313220732c2074616c6b20",
            "33303020733b202d001f312d00191f322d00191f332d00191f342d00191f352d00191f362d00191f372d0019",
            "1f382d00191f392d00181f31c201191f31c201191f31c201191f31c201191f31c201191f31c201191f31c201",
            "191f31c201191f31c201191f31c201191f32c201191f32c201191f32c201191f32c201191f32c201191f32c2",
            "01191f32c201191f32c201191f32c201191f32c201191f33c201191f33c201191f33c201191f33c201191f33",
            "c201191f33c201191f33c201191f33c201191f33c201191f33c2010a60303020733b20",
        ]
        .concat();
        let bytes: Vec<u8> = (0..old.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&old[i..i + 2], 16).unwrap())
            .collect();
        let raw: String = (0..40)
            .map(|i| format!("contact {i:03}: handled, wait 12 s, talk 300 s; "))
            .collect();
        assert_eq!(raw.len(), 1800);
        assert_eq!(
            lz4_flex::decompress_size_prepended(&bytes).unwrap(),
            raw.as_bytes()
        );
    }

    #[test]
    fn lengths_are_postcard_varints() {
        for n in [0usize, 1, 127, 128, 4096, 300_000] {
            let mut v = Vec::new();
            push_varint(&mut v, n as u64);
            assert_eq!(v, postcard::to_allocvec(&vec![(); n]).unwrap(), "{n}");
        }
    }

    #[test]
    fn a_damaged_block_is_an_error_not_a_panic() {
        let data = encode(&[Some(contact("a"))]).unwrap();
        for bad in [
            &[][..],
            &[9, 1, 2][..],
            &data[..data.len() - 3],
            &[CODEC_POSTCARD_LZ4, 0xff, 0xff, 0xff, 0x7f, 0][..],
        ] {
            assert!(
                matches!(decode(bad), Err(Error::Corrupt(_))),
                "{bad:?} must be refused"
            );
        }
        let mut flipped = data.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x55;
        let _ = decode(&flipped); // any result but a panic
    }

    #[test]
    fn days_are_iso_text() {
        let d = NaiveDate::from_ymd_opt(905, 10, 2).unwrap();
        assert_eq!(day_text(d), "0905-10-02");
        assert_eq!(parse_day("0905-10-02").unwrap(), d);
        assert!(matches!(parse_day("2026-13-01"), Err(Error::Corrupt(_))));
    }

    #[test]
    fn keys_hash_by_source_and_key() {
        assert_eq!(key_hash("generic", "C1"), key_hash("generic", "C1"));
        assert_ne!(key_hash("generic", "C1"), key_hash("connect", "C1"));
        assert_ne!(
            key_hash("ab", "c"),
            key_hash("a", "bc"),
            "the separator counts"
        );
    }
}
