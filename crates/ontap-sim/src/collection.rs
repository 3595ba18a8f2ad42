//! The collection engine every list endpoint shares: query validation, `fields` projection,
//! filters ([`crate::filter`]), `order_by`, and paging with an opaque continuation
//! (`_links.next`). Records are anything that can say what values sit at a dotted path and
//! render themselves in full ([`Record`]); only the records of the page sent are rendered.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use data_encoding::BASE64URL_NOPAD;
use ontap_model::Query;
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Reply, Request};
use crate::filter::{self, Pattern};
use crate::inferred::{INVALID_QUERY_VALUE, UNEXPECTED_ARGUMENT};
use crate::render::Writer;
use crate::schema::Def;

/// The continuation parameter the emulator writes into `_links.next`.
pub const START: &str = "start.key";
/// ONTAP's page size when `max_records` is absent ("By default, ONTAP returns a maximum of
/// 10,000 objects for a GET request": Input variables for an ONTAP REST API request).
pub const DEFAULT_MAX_RECORDS: usize = 10_000;
/// A page is written on at most this many threads, each with at least this many records.
const MAX_THREADS: usize = 4;
const MIN_RECORDS_PER_THREAD: usize = 2_000;
/// Pages shorter than this are written without keeping their records' texts
/// ([`crate::texts`]): they are cheap to write, and their shapes (a sign-in's lookup of one
/// account) would push a large listing's out.
const KEEP_TEXTS_FROM: usize = 1_000;
/// `return_timeout` bounds (the spec: minimum 0, maximum 120, default 15).
pub const RETURN_TIMEOUT_MAX: u64 = 120;

/// What a request may ask of one kind of record.
#[derive(Debug)]
pub struct Spec {
    /// The collection's path (`/api/...`), for links.
    pub href: &'static str,
    /// Always returned.
    pub key_fields: &'static [&'static str],
    /// May be named in `fields` (besides `*` and `**`).
    pub fields: &'static [&'static str],
    /// May be filtered on (query parameters named after a field).
    pub filters: &'static [&'static str],
    /// The default order; with `unique` after it, the order is total.
    pub order: &'static [&'static str],
    /// Fields that together identify a record (the last tie-break of every order).
    pub unique: &'static [&'static str],
    /// The definition a listing's answer follows.
    pub response: Def,
}

/// A record a collection can filter, sort and render.
pub trait Record {
    /// The scalar values at a dotted path (every element of the arrays on the way); empty when
    /// the field is not set.
    fn values(&self, path: &str) -> Vec<Value>;
    /// The full record, every field.
    fn full(&self) -> Value;
    /// Writes the record as [`Record::full`] renders it (keys in serde_json's order, sorted);
    /// records may write themselves without building the value.
    fn write(&self, w: &mut Writer<'_>) {
        w.value(&self.full());
    }
    /// Whether the record keeps its written texts between answers ([`crate::texts`]): then
    /// [`Record::kept_text`] and [`Record::keep_texts`] are asked.
    fn keeps_texts(&self) -> bool {
        false
    }
    /// The text this record was written as for an answer of `shape`, if it has not changed
    /// since.
    fn kept_text(&self, _shape: &str) -> Option<Arc<[u8]>> {
        None
    }
    /// Keeps the texts these records were just written as, for answers of `shape`.
    fn keep_texts(_shape: &str, _written: Vec<(&Self, &[u8])>)
    where
        Self: Sized,
    {
    }
    /// Whether the values at `path` match a filter; records may read a string field without
    /// building JSON values ([`Pattern::matches_str`]), as filters pass over whole collections.
    fn matches(&self, path: &str, pattern: &Pattern) -> bool {
        pattern.matches(&self.values(path))
    }
    /// The text a record sorts by at `path` (the first value there); records may lend it
    /// without copying, which keeps large listings fast.
    fn sort_text(&self, path: &str) -> Cow<'_, str> {
        Cow::Owned(
            self.values(path)
                .first()
                .and_then(filter::text)
                .unwrap_or_default(),
        )
    }
}

impl Record for Value {
    fn values(&self, path: &str) -> Vec<Value> {
        values_at(self, path).into_iter().cloned().collect()
    }
    fn full(&self) -> Value {
        self.clone()
    }
}

impl<T: Record> Record for &T {
    fn values(&self, path: &str) -> Vec<Value> {
        (**self).values(path)
    }
    fn full(&self) -> Value {
        (**self).full()
    }
    fn write(&self, w: &mut Writer<'_>) {
        (**self).write(w)
    }
    fn matches(&self, path: &str, pattern: &Pattern) -> bool {
        (**self).matches(path, pattern)
    }
    fn sort_text(&self, path: &str) -> Cow<'_, str> {
        (**self).sort_text(path)
    }
    fn keeps_texts(&self) -> bool {
        (**self).keeps_texts()
    }
    fn kept_text(&self, shape: &str) -> Option<Arc<[u8]>> {
        (**self).kept_text(shape)
    }
    fn keep_texts(shape: &str, written: Vec<(&Self, &[u8])>) {
        T::keep_texts(shape, written.into_iter().map(|(r, t)| (*r, t)).collect());
    }
}

/// What `fields` asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fields {
    /// No `fields`: the key fields of a collection, every field of a single record.
    Default,
    /// `*` or `**`.
    All,
    List(Vec<String>),
}

fn unexpected(arg: &str) -> ApiError {
    ApiError::inferred(&UNEXPECTED_ARGUMENT, arg)
}

/// 262197 for a query parameter's value: `The value "v" is invalid for field "f"`.
pub fn invalid(field: &str, value: &str) -> ApiError {
    ApiError::inferred_value(&INVALID_QUERY_VALUE, field, value)
}

/// Refuses any parameter not in `allowed`.
pub fn only(query: &Query, allowed: &[&str]) -> Result<(), ApiError> {
    match query
        .pairs()
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
    {
        Some((k, _)) => Err(unexpected(k)),
        None => Ok(()),
    }
}

/// Reads `fields` (comma-separated; repeated parameters add up).
pub fn parse_fields(spec: &Spec, query: &Query) -> Result<Fields, ApiError> {
    let mut list = Vec::new();
    let mut seen = false;
    for (_, value) in query.pairs().iter().filter(|(k, _)| k == "fields") {
        seen = true;
        for f in value.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            if f == "*" || f == "**" {
                return Ok(Fields::All);
            }
            if !spec.fields.contains(&f) && !spec.key_fields.contains(&f) {
                return Err(invalid("fields", f));
            }
            list.push(f.to_owned());
        }
    }
    Ok(if seen {
        Fields::List(list)
    } else {
        Fields::Default
    })
}
/// A tree of paths to keep: a leaf keeps the whole value below it.
#[derive(Debug, Default)]
pub struct Keep(Vec<(String, Keep)>, bool);

impl Keep {
    /// What is kept of property `name`: `None` if it is left out, `Some(None)` if all of it is
    /// kept, else the paths kept below it.
    pub fn child(&self, name: &str) -> Option<Option<&Keep>> {
        if self.1 {
            return Some(None);
        }
        let (_, keep) = self.0.iter().find(|(k, _)| {
            k.len() == name.len() && k.as_bytes().first() == name.as_bytes().first() && k == name
        })?;
        Some((!keep.1).then_some(keep))
    }

    fn add(&mut self, path: &str) {
        if self.1 {
            return;
        }
        let (head, rest) = match path.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        let child = match self.0.iter().position(|(k, _)| k == head) {
            Some(i) => &mut self.0[i].1,
            None => {
                self.0.push((head.to_owned(), Keep::default()));
                &mut self.0.last_mut().expect("just pushed").1
            }
        };
        match rest {
            Some(r) => child.add(r),
            None => *child = Keep(Vec::new(), true),
        }
    }

    fn apply(&self, v: &Value) -> Value {
        if self.1 {
            return v.clone();
        }
        match v {
            Value::Object(o) => {
                let mut out = Map::new();
                // Keep the record's own field order, not the request's.
                for (k, val) in o {
                    if let Some((_, keep)) = self.0.iter().find(|(name, _)| name == k) {
                        out.insert(k.clone(), keep.apply(val));
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|i| self.apply(i)).collect()),
            other => other.clone(),
        }
    }

    /// [`Keep::apply`] on a value the caller gives up: the kept parts move instead of being
    /// copied (a page of 20,000 records is otherwise rendered twice).
    fn apply_owned(&self, v: Value) -> Value {
        if self.1 {
            return v;
        }
        match v {
            // In place: the map keeps its nodes instead of being rebuilt for every record.
            Value::Object(mut o) => {
                o.retain(|k, _| self.0.iter().any(|(name, _)| name == k));
                for (k, val) in o.iter_mut() {
                    if let Some((_, keep)) = self.0.iter().find(|(name, _)| name == k) {
                        if !keep.1 {
                            *val = keep.apply_owned(std::mem::take(val));
                        }
                    }
                }
                Value::Object(o)
            }
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|i| self.apply_owned(i)).collect())
            }
            other => other,
        }
    }
}

/// The record as `fields` asks for it. `default_all`: what no `fields` means (every field for
/// a single record, the key fields for a collection).
pub fn project(full: &Value, spec: &Spec, fields: &Fields, default_all: bool) -> Value {
    match keep_for(spec, fields, default_all) {
        Some(keep) => keep.apply(full),
        None => full.clone(),
    }
}

/// The paths a projection keeps; `None` when it keeps everything.
pub(crate) fn keep_for(spec: &Spec, fields: &Fields, default_all: bool) -> Option<Keep> {
    let list = match fields {
        Fields::All => return None,
        Fields::Default if default_all => return None,
        Fields::Default => &[][..],
        Fields::List(l) => &l[..],
    };
    let mut keep = Keep::default();
    for f in spec
        .key_fields
        .iter()
        .copied()
        .chain(list.iter().map(String::as_str))
    {
        keep.add(f);
    }
    Some(keep)
}

/// The values at a dotted path, looking into every element of the arrays on the way.
pub fn values_at<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![v];
    for seg in path.split('.') {
        let mut next = Vec::new();
        for c in current {
            let c = match c.get(seg) {
                Some(x) => x,
                None => continue,
            };
            match c {
                Value::Array(items) => next.extend(items.iter()),
                other => next.push(other),
            }
        }
        current = next;
    }
    current
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Asc,
    Desc,
}

/// Reads `order_by` (`field [asc|desc]`, comma-separated).
fn parse_order(spec: &Spec, query: &Query) -> Result<Vec<(String, Dir)>, ApiError> {
    let mut order = Vec::new();
    for (_, value) in query.pairs().iter().filter(|(k, _)| k == "order_by") {
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let mut words = item.split_whitespace();
            let field = words.next().unwrap_or_default();
            let dir = match words.next() {
                None | Some("asc") => Dir::Asc,
                Some("desc") => Dir::Desc,
                Some(_) => return Err(invalid("order_by", item)),
            };
            if words.next().is_some() || !spec.filters.contains(&field) {
                return Err(invalid("order_by", item));
            }
            order.push((field.to_owned(), dir));
        }
    }
    for f in spec.order.iter().chain(spec.unique) {
        if !order.iter().any(|(o, _)| o == f) {
            order.push(((*f).to_owned(), Dir::Asc));
        }
    }
    Ok(order)
}

fn sort_key<'a, R: Record>(record: &'a R, order: &[(String, Dir)]) -> Vec<Cow<'a, str>> {
    order.iter().map(|(f, _)| record.sort_text(f)).collect()
}

fn compare<A: AsRef<str>, B: AsRef<str>>(a: &[A], b: &[B], order: &[(String, Dir)]) -> Ordering {
    for ((x, y), (_, dir)) in a.iter().zip(b).zip(order) {
        let (x, y) = (x.as_ref(), y.as_ref());
        let o = match dir {
            Dir::Asc => x.cmp(y),
            Dir::Desc => y.cmp(x),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn encode_token(key: &[Cow<'_, str>]) -> String {
    BASE64URL_NOPAD.encode(&serde_json::to_vec(key).unwrap_or_default())
}

fn decode_token(token: &str, len: usize) -> Option<Vec<String>> {
    let bytes = BASE64URL_NOPAD.decode(token.as_bytes()).ok()?;
    let key: Vec<String> = serde_json::from_slice(&bytes).ok()?;
    (key.len() == len).then_some(key)
}

/// Reads a boolean query parameter (`true`/`false`, in any case: QUERY_CASE_AND_EMPTY).
pub fn parse_bool(query: &Query, name: &str) -> Result<Option<bool>, ApiError> {
    match query.get(name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(invalid(name, v)),
    }
}

/// Checks `return_timeout` (an integer from 0 to 120); it has no other effect here, as the
/// emulator always answers within it.
pub fn check_return_timeout(query: &Query) -> Result<(), ApiError> {
    match query.get("return_timeout") {
        Some(t) if !t.parse::<u64>().is_ok_and(|t| t <= RETURN_TIMEOUT_MAX) => {
            Err(invalid("return_timeout", t))
        }
        _ => Ok(()),
    }
}

/// A collection GET's query, read and checked.
struct ListQuery<'q> {
    fields: Fields,
    max_records: usize,
    return_records: bool,
    /// `order_by` given (else the default order).
    ordered: bool,
    order: Vec<(String, Dir)>,
    start: Option<Vec<String>>,
    filters: Vec<(&'q str, Pattern)>,
}

fn read_list_query<'q>(spec: &Spec, query: &'q Query) -> Result<ListQuery<'q>, ApiError> {
    let mut allowed = vec![
        "fields",
        "max_records",
        "return_records",
        "return_timeout",
        "order_by",
        START,
    ];
    allowed.extend_from_slice(spec.filters);
    only(query, &allowed)?;

    let fields = parse_fields(spec, query)?;
    let max_records = match query.get("max_records") {
        None => DEFAULT_MAX_RECORDS,
        // Any u64 is a page size: more than the collection holds is all of it.
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => return Err(invalid("max_records", v)),
        },
    };
    let return_records = parse_bool(query, "return_records")?.unwrap_or(true);
    check_return_timeout(query)?;
    let order = parse_order(spec, query)?;
    let start = match query.get(START) {
        None => None,
        Some(t) => Some(decode_token(t, order.len()).ok_or_else(|| invalid(START, t))?),
    };
    let filters = query
        .pairs()
        .iter()
        .filter(|(k, _)| spec.filters.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), Pattern::parse(v)))
        .collect();
    Ok(ListQuery {
        fields,
        max_records,
        return_records,
        ordered: query.get("order_by").is_some(),
        order,
        start,
        filters,
    })
}

impl ListQuery<'_> {
    fn keeps<R: Record>(&self, r: &R) -> bool {
        self.filters.iter().all(|(field, p)| r.matches(field, p))
    }
}

/// A record of a page, with its sort key (read only for the last record: `_links.next`).
type Keyed<'a, R> = (Vec<Cow<'a, str>>, R);

/// Renders a page: its records, the count, and `_links.next` after the last record when
/// `more` follow. A request from the server ([`Request::out`]) gets the answer's text, written
/// record by record without building the page as JSON values ([`Record::write`]); other
/// callers get the value.
fn page<R: Record + Sync>(
    spec: &Spec,
    lq: &ListQuery<'_>,
    req: &Request<'_>,
    records: &[Keyed<'_, R>],
    more: bool,
) -> Reply {
    let next = match (more, records.last()) {
        (true, Some((last, _))) => {
            let next = req
                .query
                .pairs()
                .iter()
                .filter(|(k, _)| k != START)
                .fold(Query::new(), |q, (k, v)| q.param(k, v))
                .param(START, &encode_token(last));
            Some(format!("{}{}", spec.href, next.to_query_string()))
        }
        _ => None,
    };
    let self_href = req.path_and_query;
    let keep = keep_for(spec, &lq.fields, false);
    let Some(options) = req.out else {
        let mut links = json!({"self": {"href": self_href}});
        if let Some(next) = next {
            links["next"] = json!({ "href": next });
        }
        let rendered: Vec<Value> = records
            .iter()
            .map(|(_, r)| match &keep {
                Some(k) => k.apply_owned(r.full()),
                None => r.full(),
            })
            .collect();
        // Put together by hand: `json!` would copy every rendered record once more through
        // the serializer.
        let mut body = Map::new();
        body.insert("num_records".into(), json!(rendered.len()));
        body.insert("records".into(), Value::Array(rendered));
        body.insert("_links".into(), links);
        return Reply::ok(Value::Object(body), spec.response);
    };
    // Keys in serde_json's order (sorted), as the value would be written.
    // Room for the records ONTAP writes largest (an account with every application is about
    // 2 KB indented): the text is not copied as it grows.
    let mut w = Writer::new(spec.response, None, options, records.len() * 1536 + 512);
    w.begin_object();
    if w.key("_links") {
        w.begin_object();
        if let Some(next) = &next {
            w.key("next");
            w.begin_object();
            w.field_str("href", next);
            w.end_object();
        }
        w.key("self");
        w.begin_object();
        w.field_str("href", self_href);
        w.end_object();
        w.end_object();
    }
    w.key("num_records");
    w.u64(records.len() as u64);
    w.key("records");
    w.begin_array();
    // A large page is written on every core: the first part here, each other part by a
    // thread of its own into a text that is then appended (a 20,000-account page is 21 MB).
    let parts = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_THREADS)
        .min(records.len() / MIN_RECORDS_PER_THREAD)
        .max(1);
    let size = records.len().div_ceil(parts);
    let mut chunks = records.chunks(size.max(1));
    let first = chunks.next().unwrap_or_default();
    let forks: Vec<(Writer<'_>, &[Keyed<'_, R>])> = chunks
        .enumerate()
        .map(|(i, chunk)| (w.fork((i + 1) * size, chunk.len() * 1536), chunk))
        .collect();
    let keep = keep.as_ref();
    // What a record's text depends on besides the record: the same shape, the same text.
    let shape = (records.len() >= KEEP_TEXTS_FROM && records[0].1.keeps_texts())
        .then(|| format!("{} {:?} {:?}", spec.href, lq.fields, options));
    let shape = shape.as_deref();
    fn write<'k, R: Record>(
        w: &mut Writer<'k>,
        keep: Option<&'k Keep>,
        shape: Option<&str>,
        chunk: &[Keyed<'_, R>],
    ) {
        let mut written = Vec::new();
        for (_, r) in chunk {
            w.select(keep);
            match shape.and_then(|shape| r.kept_text(shape)) {
                Some(text) => w.kept(&text),
                None => {
                    let mark = w.mark();
                    r.write(w);
                    if let (Some(_), Some(text)) = (shape, w.written_since(mark)) {
                        written.push((r, text));
                    }
                }
            }
        }
        // Kept once the chunk is written: one lock for the whole chunk.
        if let Some(shape) = shape {
            let written = written.into_iter().map(|(r, at)| (r, w.text(at))).collect();
            R::keep_texts(shape, written);
        }
    }
    let written: Vec<Writer<'_>> = std::thread::scope(|scope| {
        let handles: Vec<_> = forks
            .into_iter()
            .map(|(mut fork, chunk)| {
                scope.spawn(move || {
                    write(&mut fork, keep, shape, chunk);
                    fork
                })
            })
            .collect();
        write(&mut w, keep, shape, first);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for part in written {
        w.append(part);
    }
    w.end_array();
    w.end_object();
    Reply::written(w.finish(), spec.response)
}

/// Answers a collection GET over `records` (the records the caller may see).
pub fn list<R: Record + Sync>(
    spec: &Spec,
    records: Vec<R>,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let lq = read_list_query(spec, &req.query)?;
    let filtered: Vec<&R> = records.iter().filter(|r| lq.keeps(r)).collect();
    if !lq.return_records {
        return Ok(Reply::ok(
            json!({
                "num_records": filtered.len(),
                "_links": {"self": {"href": req.path_and_query}},
            }),
            spec.response,
        ));
    }
    let order = &lq.order;
    let width = order.len();
    // Every record's key, read once, in one buffer: `keys[i * width..][..width]` is record
    // `i`'s (a `Vec` per record cost more than the sort at 100,000 records).
    let keys: Vec<Cow<'_, str>> = filtered
        .iter()
        .flat_map(|r| order.iter().map(|(f, _)| r.sort_text(f)))
        .collect();
    let key = |i: usize| &keys[i * width..(i + 1) * width];
    // Only the records after the continuation, and of those only the first `max_records` in
    // order, are sorted: a page costs one pass over the collection, not a full sort.
    let mut matching: Vec<usize> = (0..filtered.len())
        .filter(|&i| {
            lq.start
                .as_ref()
                .is_none_or(|s| compare(key(i), s, order) == Ordering::Greater)
        })
        .collect();
    let more = matching.len() > lq.max_records;
    if more {
        matching.select_nth_unstable_by(lq.max_records, |&a, &b| compare(key(a), key(b), order));
        matching.truncate(lq.max_records);
    }
    matching.sort_by(|&a, &b| compare(key(a), key(b), order));
    // Only the last record's key is read (for `_links.next`).
    let last = matching.len().saturating_sub(1);
    let page_records: Vec<(Vec<Cow<'_, str>>, &R)> = matching
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let k = if n == last {
                key(i).to_vec()
            } else {
                Vec::new()
            };
            (k, filtered[i])
        })
        .collect();
    Ok(page(spec, &lq, req, &page_records, more))
}

/// Like [`list`], for a collection that can walk its records in the default order from a
/// continuation position (`walk(None)` from the start, `walk(Some(key))` after that sort key):
/// a page without `order_by` then costs its own length, not the collection's. Counting, and
/// pages with `order_by`, take every record from `all`.
pub fn list_walkable<'a, R: Record + Sync + 'a>(
    spec: &Spec,
    walk: impl FnOnce(Option<&[String]>) -> Box<dyn Iterator<Item = R> + 'a>,
    all: impl FnOnce() -> Vec<R>,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let lq = read_list_query(spec, &req.query)?;
    if lq.ordered || !lq.return_records {
        return list(spec, all(), req);
    }
    let mut taken: Vec<R> = walk(lq.start.as_deref())
        .filter(|r| lq.keeps(r))
        // One more than a page tells whether another follows; `max_records` may be as large
        // as u64::MAX, where adding one would overflow.
        .take(lq.max_records.saturating_add(1))
        .collect();
    let more = taken.len() > lq.max_records;
    // Only the last record's key is read (for `_links.next`).
    taken.truncate(lq.max_records);
    let keyed: Vec<(Vec<Cow<'_, str>>, &R)> = taken
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let key = if more && i + 1 == taken.len() {
                sort_key(r, &lq.order)
            } else {
                Vec::new()
            };
            (key, r)
        })
        .collect();
    Ok(page(spec, &lq, req, &keyed, more))
}

/// Answers a single-record GET: only `fields` is accepted (the spec's parameters).
pub fn single(spec: &Spec, full: &Value, query: &Query) -> Result<Value, ApiError> {
    only(query, &["fields"])?;
    let fields = parse_fields(spec, query)?;
    Ok(project(full, spec, &fields, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        href: "/api/things",
        key_fields: &["name", "_links"],
        fields: &["a", "a.b", "list", "list.x"],
        filters: &["name", "a.b", "list.x"],
        order: &["name"],
        unique: &["name"],
        response: Def::Empty,
    };

    fn request(q: &str) -> Request<'_> {
        Request {
            method: "GET",
            path: "/s",
            path_and_query: "/s",
            query: Query::parse(q),
            body: b"",
            out: None,
        }
    }

    fn list(recs: Vec<Value>, q: &str) -> Result<Value, ApiError> {
        super::list(&SPEC, recs, &request(q)).map(|r| r.body.to_value())
    }

    fn rec(name: &str, b: bool) -> Value {
        json!({"name": name, "a": {"b": b, "c": 1}, "list": [{"x": "p", "y": 2}, {"x": "q"}],
               "_links": {"self": {"href": "/x"}}})
    }

    #[test]
    fn projection_keeps_keys_and_asked_paths_through_arrays() {
        let r = rec("n", true);
        let f = Fields::List(vec!["a.b".into(), "list.x".into()]);
        assert_eq!(
            project(&r, &SPEC, &f, false),
            json!({"name": "n", "a": {"b": true}, "list": [{"x": "p"}, {"x": "q"}],
                   "_links": {"self": {"href": "/x"}}})
        );
        assert_eq!(
            project(&r, &SPEC, &Fields::Default, false),
            json!({"name": "n", "_links": {"self": {"href": "/x"}}})
        );
        assert_eq!(project(&r, &SPEC, &Fields::Default, true), r);
    }

    #[test]
    fn filters_look_into_arrays_and_booleans() {
        let recs = vec![rec("one", true), rec("two", false)];
        let out = list(recs.clone(), "a.b=false").unwrap();
        assert_eq!(out["num_records"], 1);
        assert_eq!(out["records"][0]["name"], "two");
        let out = list(recs, "list.x=q").unwrap();
        assert_eq!(out["num_records"], 2);
    }

    #[test]
    fn order_by_desc_and_tokens_resume_after_the_last_record() {
        let recs: Vec<Value> = ["b", "a", "c"].iter().map(|n| rec(n, true)).collect();
        let out = list(recs.clone(), "order_by=name%20desc&max_records=2").unwrap();
        assert_eq!(out["records"][0]["name"], "c");
        assert_eq!(out["records"][1]["name"], "b");
        let next = out["_links"]["next"]["href"].as_str().unwrap();
        let (_, qs) = next.split_once('?').unwrap();
        let out = list(recs, qs).unwrap();
        assert_eq!(out["num_records"], 1);
        assert_eq!(out["records"][0]["name"], "a");
        assert!(out["_links"].get("next").is_none());
    }

    #[test]
    fn bad_values_are_refused_by_name() {
        let e = |q: &str| list(Vec::new(), q).unwrap_err().body.error.target;
        assert_eq!(e("max_records=0").as_deref(), Some("max_records"));
        let body = list(Vec::new(), "fields=nope").unwrap_err().body;
        assert_eq!(body.error.code.as_str(), "262197");
        assert_eq!(
            body.error.message,
            "The value \"nope\" is invalid for field \"fields\""
        );
        assert_eq!(e("fields=nope").as_deref(), Some("fields"));
        assert_eq!(e("order_by=a.b%20up").as_deref(), Some("order_by"));
        assert_eq!(e("return_timeout=121").as_deref(), Some("return_timeout"));
        assert_eq!(e("return_records=yes").as_deref(), Some("return_records"));
        assert_eq!(e("start.key=zzz").as_deref(), Some("start.key"));
        assert_eq!(e("colour=red").as_deref(), Some("colour"));
    }
}
