//! An answer's text in one pass: the projection `fields` asked for, the strict check against
//! the published definition ([`crate::schema`]), HAL links left out for `Accept:
//! application/json`, links rebased onto a fleet cluster's or the gateway's base, and ONTAP's
//! indentation (serde_json's pretty printer, byte for byte). Values are written through it
//! ([`Writer::value`]), and so are records that write themselves without being built as JSON
//! values first ([`crate::collection::Record::write`]): a page of 20,000 accounts is 21 MB of
//! text, and building it as values cost ten times the writing.

use std::ops::Range;

use serde_json::{Number, Value};

use crate::collection::Keep;
use crate::schema::{kind, Def, P, S};

/// How an answer is written for the request that asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options<'o> {
    /// `Accept: application/json`: no HAL links "except a link needed to retrieve the next
    /// batch of records" (Input variables for an ONTAP REST API request).
    pub plain_json: bool,
    /// Where the cluster is served, in place of `/api` in links (a fleet's cluster, the
    /// gateway); `None` at the root.
    pub link_base: Option<&'o str>,
}

/// A written answer and the ways it breaks its definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub text: Vec<u8>,
    pub violations: Vec<String>,
}

/// What happens to a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Checked and written.
    Emit,
    /// Checked, not written: HAL links of a plain JSON answer (the check sees the answer ONTAP
    /// would send with them).
    Mute,
    /// Neither: left out by `fields`.
    Skip,
}

/// Where a value sits, for violations: a property of the definition, or an array's item.
#[derive(Clone, Copy, Debug)]
enum Seg {
    Key(&'static P),
    Index(u32),
}

/// The value about to be written: set by [`Writer::key`], or by an array for its next item.
#[derive(Clone, Copy)]
struct Slot<'k> {
    form: Option<&'static S>,
    keep: Sel<'k>,
    mode: Mode,
    seg: Option<Seg>,
    /// A link's `href`: rebased when written.
    href: bool,
    /// The answer's own `_links` in a plain JSON answer: only `next` is written, and nothing
    /// at all when there is no `next` ([`Writer::rollback`]).
    top_links: bool,
}

/// What `fields` keeps below a value: `None` everything, else the paths of a [`Keep`].
type Sel<'k> = Option<&'k Keep>;

#[derive(Clone, Copy)]
struct Frame<'k> {
    object: bool,
    /// The object's or array's definition, if the value had the form it expects.
    form: Option<&'static S>,
    keep: Sel<'k>,
    mode: Mode,
    seg: Option<Seg>,
    /// The object's properties present, by their place in the definition.
    seen: u64,
    /// Nothing written inside yet.
    first: bool,
    /// Where the search for the next property starts.
    cursor: usize,
    /// An array's next index.
    index: u32,
    top_links: bool,
}

/// Writes one answer.
pub struct Writer<'k> {
    out: Vec<u8>,
    options: Options<'k>,
    violations: Vec<String>,
    stack: Vec<Frame<'k>>,
    next: Option<Slot<'k>>,
    /// Where links are put together before they are written.
    scratch: String,
    /// The text's length and the root's `first` before a plain JSON answer's `_links`, to
    /// take the key back when no `next` follows.
    rollback: (usize, bool),
}

impl<'k> Writer<'k> {
    /// A writer of an answer that follows `def`, keeping what `keep` keeps (`None`: all), with
    /// room for `capacity` bytes.
    pub fn new(def: Def, keep: Sel<'k>, options: Options<'k>, capacity: usize) -> Writer<'k> {
        Writer {
            out: Vec::with_capacity(capacity),
            options,
            violations: Vec::new(),
            stack: Vec::with_capacity(16),
            scratch: String::new(),
            rollback: (0, true),
            next: Some(Slot {
                form: Some(def.form()),
                keep,
                mode: Mode::Emit,
                seg: None,
                href: false,
                top_links: false,
            }),
        }
    }

    /// Writes `value` and returns the text and its violations.
    pub fn write(def: Def, value: &Value, options: Options<'_>) -> Written {
        let mut w = Writer::new(def, None, options, 0);
        w.value(value);
        w.finish()
    }

    /// The text and its violations.
    pub fn finish(self) -> Written {
        Written {
            text: self.out,
            violations: self.violations,
        }
    }

    /// A writer of the items of the array being written, from its item `start` on, into a
    /// text of their own ([`Writer::append`] puts them back in place): a large page is written
    /// on several threads.
    pub fn fork(&self, start: usize, capacity: usize) -> Writer<'k> {
        let mut stack = self.stack.clone();
        if let Some(top) = stack.last_mut() {
            top.first &= start == 0;
            top.index = u32::try_from(start).unwrap_or(u32::MAX);
        }
        Writer {
            out: Vec::with_capacity(capacity),
            options: self.options,
            violations: Vec::new(),
            stack,
            next: None,
            scratch: String::new(),
            rollback: (0, true),
        }
    }

    /// Appends the items a [`Writer::fork`] of this writer wrote, which must follow the items
    /// written so far.
    pub fn append(&mut self, part: Writer<'k>) {
        if let (Some(top), Some(theirs)) = (self.stack.last_mut(), part.stack.last()) {
            top.first &= theirs.first;
            top.index = theirs.index;
        }
        self.out.extend_from_slice(&part.out);
        self.violations.extend(part.violations);
    }

    /// Sets what `fields` keeps of the array item about to be written (a collection's records
    /// are projected, its envelope is not).
    pub fn select(&mut self, keep: Sel<'k>) {
        self.item_slot();
        if let Some(slot) = &mut self.next {
            slot.keep = keep;
        }
    }

    fn path(&self, last: Option<Seg>) -> String {
        let mut s = String::from("$");
        for seg in self.stack.iter().map(|f| f.seg).chain([last]).flatten() {
            match seg {
                Seg::Key(p) => {
                    s.push('.');
                    s.push_str(p.0);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn violation(&mut self, last: Option<Seg>, problem: std::fmt::Arguments<'_>) {
        let at = self.path(last);
        self.violations.push(format!("{at}: {problem}"));
    }

    /// A new line at `depth`.
    fn indent(&mut self, depth: usize) {
        self.separate(true, depth);
    }

    /// A comma unless `first`, and a new line at `depth`, in one copy.
    fn separate(&mut self, first: bool, depth: usize) {
        const LINE: &[u8] = b",\n                                                                ";
        let from = usize::from(first);
        match LINE.get(from..2 + 2 * depth) {
            Some(line) => self.out.extend_from_slice(line),
            None => {
                self.out.extend_from_slice(&LINE[from..2]);
                (0..depth).for_each(|_| self.out.extend_from_slice(b"  "));
            }
        }
    }

    /// The slot of an array's next item, if the value about to be written is one.
    fn item_slot(&mut self) {
        if self.next.is_some() {
            return;
        }
        let depth = self.stack.len();
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        if frame.object {
            return;
        }
        let index = frame.index;
        frame.index += 1;
        let form = match frame.form {
            Some(S::Arr(item)) => Some(*item),
            _ => None,
        };
        let (mode, keep) = (frame.mode, frame.keep);
        if mode == Mode::Emit {
            let first = std::mem::replace(&mut frame.first, false);
            self.separate(first, depth);
        }
        self.next = Some(Slot {
            form,
            keep,
            mode,
            seg: Some(Seg::Index(index)),
            href: false,
            top_links: false,
        });
    }

    /// The slot of the value about to be written.
    fn take_slot(&mut self) -> Slot<'k> {
        self.item_slot();
        self.next.take().unwrap_or(Slot {
            form: None,
            keep: None,
            mode: Mode::Skip,
            seg: None,
            href: false,
            top_links: false,
        })
    }

    /// Starts the value of property `name` of the object being written; `false` when `fields`
    /// leaves it out, and the caller may then skip writing it (what it writes is dropped).
    pub fn key(&mut self, name: &str) -> bool {
        let plain = self.options.plain_json;
        let depth = self.stack.len();
        let Some(frame) = self.stack.last_mut() else {
            return false;
        };
        let keep = match frame.keep {
            None => Some(None),
            Some(k) => k.child(name),
        };
        let mode = match (frame.mode, keep) {
            (Mode::Skip, _) | (_, None) => Mode::Skip,
            (Mode::Mute, _) => Mode::Mute,
            _ if plain && depth > 1 && same(name, "_links") => Mode::Mute,
            _ if frame.top_links && !same(name, "next") => Mode::Mute,
            _ => Mode::Emit,
        };
        let mut form = None;
        let mut seg = None;
        let mut unknown = false;
        if mode != Mode::Skip {
            if let Some(S::Obj(props)) = frame.form {
                // Properties come in the definition's order (both sorted), so the search
                // starts after the last one found.
                let at = frame.cursor;
                let found = props[at.min(props.len())..]
                    .iter()
                    .position(|p| same(p.0, name))
                    .map(|i| i + at)
                    .or_else(|| props.iter().position(|p| same(p.0, name)));
                match found {
                    Some(i) => {
                        frame.cursor = i + 1;
                        frame.seen |= 1 << i;
                        form = Some(&props[i].1);
                        seg = Some(Seg::Key(&props[i]));
                    }
                    None => unknown = true,
                }
            }
        }
        let top_links = plain && depth == 1 && mode == Mode::Emit && same(name, "_links");
        if top_links {
            self.rollback = (self.out.len(), frame.first);
        }
        if mode == Mode::Emit {
            let first = std::mem::replace(&mut frame.first, false);
            self.separate(first, depth);
            if seg.is_some() {
                // A name of the definition: plain ASCII.
                self.out.push(b'"');
                self.out.extend_from_slice(name.as_bytes());
                self.out.extend_from_slice(b"\": ");
            } else {
                string(&mut self.out, name);
                self.out.extend_from_slice(b": ");
            }
        }
        if unknown {
            self.violation(None, format_args!("unknown property {name:?}"));
        }
        self.next = Some(Slot {
            form,
            keep: keep.flatten(),
            mode,
            seg,
            href: same(name, "href"),
            top_links,
        });
        mode != Mode::Skip
    }

    /// Checks a scalar against its slot's form; the slot, to write it.
    fn scalar(&mut self, is: Kind, text: Option<&str>) -> Slot<'k> {
        let slot = self.take_slot();
        if slot.mode == Mode::Skip {
            return slot;
        }
        let ok = match (slot.form, is) {
            (None, _) => true,
            (Some(S::Str), Kind::Str) | (Some(S::Bool), Kind::Bool) | (Some(S::Int), Kind::Int) => {
                true
            }
            (Some(S::Enum(allowed)), Kind::Str) => {
                let s = text.unwrap_or_default();
                if !allowed.iter().any(|a| same(a, s)) {
                    self.violation(slot.seg, format_args!("{:?} is not one of {allowed:?}", s));
                }
                true
            }
            _ => false,
        };
        if !ok {
            if let Some(form) = slot.form {
                self.violation(
                    slot.seg,
                    format_args!("{} is not a {}", is.name(), kind(form)),
                );
            }
        }
        slot
    }

    pub fn str(&mut self, s: &str) {
        let slot = self.scalar(Kind::Str, Some(s));
        if slot.mode != Mode::Emit {
            return;
        }
        match (slot.href, self.options.link_base) {
            (true, Some(base)) => match crate::fleet::rebased(s, base) {
                Some(r) => string(&mut self.out, &r),
                None => string(&mut self.out, s),
            },
            _ => string(&mut self.out, s),
        }
    }

    /// A value of an enumeration or a name of our own: plain ASCII, written without looking
    /// for characters to escape.
    pub fn name(&mut self, s: &'static str) {
        debug_assert!(s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
        if self.scalar(Kind::Str, Some(s)).mode == Mode::Emit {
            self.out.push(b'"');
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(b'"');
        }
    }

    /// `"name": value` for [`Writer::name`].
    pub fn field_name(&mut self, name: &str, value: &'static str) {
        if self.key(name) {
            self.name(value);
        } else {
            self.next = None;
        }
    }

    pub fn bool(&mut self, b: bool) {
        if self.scalar(Kind::Bool, None).mode == Mode::Emit {
            self.out
                .extend_from_slice(if b { b"true" } else { b"false" });
        }
    }

    pub fn u64(&mut self, n: u64) {
        if self.scalar(Kind::Int, None).mode == Mode::Emit {
            self.out.extend_from_slice(n.to_string().as_bytes());
        }
    }

    fn number(&mut self, n: &Number) {
        let is = if n.is_i64() || n.is_u64() {
            Kind::Int
        } else {
            Kind::Float
        };
        if self.scalar(is, None).mode == Mode::Emit {
            self.out.extend_from_slice(n.to_string().as_bytes());
        }
    }

    fn null(&mut self) {
        if self.scalar(Kind::Null, None).mode == Mode::Emit {
            self.out.extend_from_slice(b"null");
        }
    }

    fn begin(&mut self, object: bool) {
        let slot = self.take_slot();
        let matches = match slot.form {
            Some(S::Obj(_)) => object,
            Some(S::Arr(_)) => !object,
            _ => false,
        };
        if !matches && slot.mode != Mode::Skip {
            if let Some(form) = slot.form {
                let is = if object { Kind::Obj } else { Kind::Arr };
                self.violation(
                    slot.seg,
                    format_args!("{} is not a {}", is.name(), kind(form)),
                );
            }
        }
        if slot.mode == Mode::Emit {
            self.out.push(if object { b'{' } else { b'[' });
        }
        self.stack.push(Frame {
            object,
            form: if matches { slot.form } else { None },
            keep: slot.keep,
            mode: slot.mode,
            seg: slot.seg,
            seen: 0,
            first: true,
            cursor: 0,
            index: 0,
            top_links: slot.top_links,
        });
    }

    fn end(&mut self) {
        // A last property left out by `fields` and not written.
        self.next = None;
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame.mode != Mode::Skip {
            if let Some(S::Obj(props)) = frame.form {
                for (i, P(name, _, required)) in props.iter().enumerate() {
                    if *required && frame.seen & (1 << i) == 0 {
                        self.violation(frame.seg, format_args!("missing {name:?}"));
                    }
                }
            }
        }
        if frame.mode != Mode::Emit {
            return;
        }
        if frame.top_links && frame.first {
            let (len, parent_first) = self.rollback;
            // A plain JSON answer without a `next` link has no `_links` at all.
            self.out.truncate(len);
            if let Some(parent) = self.stack.last_mut() {
                parent.first = parent_first;
            }
            return;
        }
        if !frame.first {
            let depth = self.stack.len();
            self.indent(depth);
        }
        self.out.push(if frame.object { b'}' } else { b']' });
    }

    pub fn begin_object(&mut self) {
        self.begin(true);
    }

    pub fn end_object(&mut self) {
        self.end();
    }

    pub fn begin_array(&mut self) {
        self.begin(false);
    }

    pub fn end_array(&mut self) {
        self.end();
    }

    /// Writes a JSON value.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                self.begin_array();
                for item in items {
                    self.value(item);
                }
                self.end_array();
            }
            Value::Object(map) => {
                self.begin_object();
                for (k, x) in map {
                    if self.key(k) {
                        self.value(x);
                    } else {
                        self.next = None;
                    }
                }
                self.end_object();
            }
        }
    }

    /// Where the text and its violations stand, for [`Writer::written_since`].
    pub fn mark(&self) -> (usize, usize) {
        (self.out.len(), self.violations.len())
    }

    /// Where what was written since `mark` is, if anything was and it broke nothing: a
    /// record's text that may be kept ([`Writer::text`]) and written again by
    /// [`Writer::kept`].
    pub fn written_since(&self, (len, violations): (usize, usize)) -> Option<Range<usize>> {
        (self.out.len() > len && self.violations.len() == violations).then_some(len..self.out.len())
    }

    /// The text at `range`, as [`Writer::written_since`] gave it.
    pub fn text(&self, range: Range<usize>) -> &[u8] {
        &self.out[range]
    }

    /// Writes an array item as it was written before ([`Writer::written_since`], at the same
    /// place in an answer of the same shape), after [`Writer::select`].
    pub fn kept(&mut self, text: &[u8]) {
        if self.take_slot().mode == Mode::Emit {
            self.out.extend_from_slice(text);
        }
    }

    /// `"name": "text"`.
    pub fn field_str(&mut self, name: &str, text: &str) {
        if self.key(name) {
            self.str(text);
        } else {
            self.next = None;
        }
    }

    /// `"name": true`.
    pub fn field_bool(&mut self, name: &str, b: bool) {
        if self.key(name) {
            self.bool(b);
        } else {
            self.next = None;
        }
    }

    /// `"_links": {"self": {"href": …}}`, the link put together by `href` in a buffer the
    /// writer keeps, and only when it is written or checked.
    pub fn self_link(&mut self, href: impl FnOnce(&mut String)) {
        if self.key("_links") {
            self.begin_object();
            if self.key("self") {
                self.begin_object();
                if self.key("href") {
                    let mut link = std::mem::take(&mut self.scratch);
                    link.clear();
                    href(&mut link);
                    self.str(&link);
                    self.scratch = link;
                }
                self.end_object();
            }
            self.end_object();
        }
        self.next = None;
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Obj,
    Arr,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Bool => "a boolean",
            Kind::Int => "an integer",
            Kind::Float => "a number",
            Kind::Null => "null",
            Kind::Obj => "an object",
            Kind::Arr => "an array",
        }
    }
}

/// `a == b` for the short names of properties, without a call to `memcmp` for most.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    // Most strings need no escape: copied at once.
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Body, Request};
    use crate::collection::{self, Fields, Record};
    use crate::model::{Account, Role, Svm};
    use ontap_model::{AccountName, OwnerUuid, Query, Version};
    use serde_json::json;

    /// What the server did before this writer, step by step: the check, HAL links stripped,
    /// links rebased, serde_json's pretty printer (the reference the writer is held to; the
    /// server no longer has these steps).
    fn before(def: Def, v: &Value, options: Options<'_>) -> (Vec<u8>, usize) {
        fn strip(v: &mut Value, top: bool) {
            match v {
                Value::Object(map) => {
                    if let Some(links) = map.remove("_links") {
                        if let (true, Some(next)) = (top, links.get("next")) {
                            map.insert("_links".into(), json!({ "next": next }));
                        }
                    }
                    map.values_mut().for_each(|c| strip(c, false));
                }
                Value::Array(items) => items.iter_mut().for_each(|i| strip(i, false)),
                _ => {}
            }
        }
        fn rebase(v: &mut Value, base: &str) {
            match v {
                Value::Object(map) => {
                    for (k, child) in map.iter_mut() {
                        match (k.as_str(), &mut *child) {
                            ("href", Value::String(h)) => {
                                if let Some(r) = crate::fleet::rebased(h, base) {
                                    *h = r;
                                }
                            }
                            _ => rebase(child, base),
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(|i| rebase(i, base)),
                _ => {}
            }
        }
        let violations = crate::schema::check(def, v).len();
        let mut v = v.clone();
        if options.plain_json {
            strip(&mut v, true);
        }
        if let Some(base) = options.link_base {
            rebase(&mut v, base);
        }
        (serde_json::to_vec_pretty(&v).unwrap(), violations)
    }

    const OPTIONS: [Options<'static>; 4] = [
        Options {
            plain_json: false,
            link_base: None,
        },
        Options {
            plain_json: true,
            link_base: None,
        },
        Options {
            plain_json: false,
            link_base: Some("/clusters/c1/api"),
        },
        Options {
            plain_json: true,
            link_base: Some("/api/gateways/u1"),
        },
    ];

    fn svm(admin: bool) -> Svm {
        Svm {
            uuid: OwnerUuid::try_from(if admin {
                "9a2b1c3d-0000-4000-8000-000000000001"
            } else {
                "9a2b1c3d-0000-4000-8000-000000000002"
            })
            .unwrap(),
            name: if admin { "cluster1" } else { "vs_eng" }.into(),
            is_admin: admin,
        }
    }

    fn accounts(owner: &Svm) -> Vec<Account> {
        (0..10)
            .map(|i| Account {
                name: AccountName::try_from(format!("user{i}")).unwrap(),
                owner: owner.uuid.clone(),
                role: if owner.is_admin {
                    Role::Admin
                } else {
                    Role::Vsadmin
                },
                locked: i % 3 == 0,
                comment: format!("Quote \" backslash \\ tab \t é {i}"),
                applications: crate::accounts_scale::applications(i),
                password: String::new(),
            })
            .collect()
    }

    #[test]
    fn values_are_written_as_the_check_strip_rebase_and_pretty_printer_did() {
        let answers = [
            (
                Def::TotpResponse,
                json!({"num_records": 1, "records": [{
                    "owner": {"uuid": "u", "name": "vs1", "_links": {"self": {"href": "/api/svm/svms/u"}}},
                    "account": {"name": "a", "_links": {"self": {"href": "/api/security/accounts/u/a"}}},
                    "comment": "", "enabled": true, "scope": "svm", "sha_fingerprint": "ab",
                    "_links": {"self": {"href": "/api/security/login/totps/u/a"}}}],
                    "_links": {"self": {"href": "/api/security/login/totps?x=1"},
                               "next": {"href": "/api/security/login/totps?start.key=abc"}}}),
            ),
            (
                Def::TotpResponse,
                json!({"num_records": 0, "records": [],
                       "_links": {"self": {"href": "/api/security/login/totps"}}}),
            ),
            (
                Def::Error,
                json!({"error": {"message": "entry doesn't exist", "code": "4", "target": "uuid"}}),
            ),
            (Def::Empty, json!({})),
            (
                Def::Cluster,
                json!({"name": "c", "uuid": "u", "version": {"full": "NetApp Release 9.18.1",
                       "generation": 9, "major": 18, "minor": 1},
                       "_links": {"self": {"href": "/api/cluster"}}}),
            ),
            // Breaks the definition: the violations are counted as the check counts them.
            (
                Def::TotpResponse,
                json!({"num_records": "one", "records": [{"owner": {"name": 3}, "colour": "red",
                       "scope": "galaxy", "enabled": null}], "_links": {}}),
            ),
        ];
        for (def, v) in &answers {
            for options in OPTIONS {
                let written = Writer::write(*def, v, options);
                let (text, violations) = before(*def, v, options);
                assert_eq!(
                    String::from_utf8(written.text).unwrap(),
                    String::from_utf8(text).unwrap(),
                    "{def:?} {options:?}"
                );
                assert_eq!(
                    written.violations.len(),
                    violations,
                    "{def:?} {options:?}: {:?}",
                    written.violations
                );
            }
        }
    }

    #[test]
    fn violations_name_the_path() {
        let v = json!({"num_records": 1, "records": [{"owner": {"name": 3}, "colour": "red"}],
                       "_links": {"self": {"href": "/x"}}});
        let w = Writer::write(Def::TotpResponse, &v, Options::default());
        for expected in [
            "$.records[0]: unknown property \"colour\"",
            "$.records[0].owner.name: an integer is not a string",
            "$.records[0].owner: missing \"uuid\"",
            "$.records[0]: missing \"account\"",
            "$.records[0]: missing \"_links\"",
        ] {
            assert!(
                w.violations.iter().any(|x| x == expected),
                "{expected} not in {:?}",
                w.violations
            );
        }
    }

    #[test]
    fn accounts_write_themselves_as_their_record_is_written() {
        let versions = [Version::new(9, 12, 1), Version::new(9, 18, 1)];
        let field_lists: [&[&str]; 5] = [
            &[],
            ontap_model::account::ACCOUNT_LIST_FIELDS,
            &[
                "applications.application",
                "applications.second_authentication_method",
            ],
            &["role", "comment", "owner.name"],
            &["*"],
        ];
        let spec = &crate::api::accounts::SPEC;
        for admin in [true, false] {
            let owner = svm(admin);
            for account in accounts(&owner) {
                for version in &versions {
                    for fields in field_lists {
                        let q = Query::parse(&format!("fields={}", fields.join(",")));
                        let fields = collection::parse_fields(spec, &q).unwrap();
                        let fields = match fields {
                            Fields::List(l) if l.is_empty() => Fields::Default,
                            f => f,
                        };
                        let keep = collection::keep_for(spec, &fields, false);
                        for options in OPTIONS {
                            let mut typed = Writer::new(Def::Account, keep.as_ref(), options, 0);
                            account.write(&owner, version, &mut typed);
                            let mut valued = Writer::new(Def::Account, keep.as_ref(), options, 0);
                            valued.value(&account.record(&owner, version));
                            let (typed, valued) = (typed.finish(), valued.finish());
                            assert_eq!(
                                String::from_utf8(typed.text).unwrap(),
                                String::from_utf8(valued.text).unwrap(),
                                "{fields:?} {options:?}"
                            );
                            assert_eq!(typed.violations, valued.violations);
                            assert!(typed.violations.is_empty(), "{:?}", typed.violations);
                        }
                    }
                }
            }
        }
    }

    /// A page of values for the test below: records that do not write themselves.
    struct Plain(Value);

    impl Record for Plain {
        fn values(&self, path: &str) -> Vec<Value> {
            self.0.values(path)
        }
        fn full(&self) -> Value {
            self.0.clone()
        }
    }

    #[test]
    fn a_written_page_is_the_value_page_written() {
        let owner = svm(false);
        let version = Version::new(9, 18, 1);
        let records: Vec<Value> = accounts(&owner)
            .iter()
            .map(|a| a.record(&owner, &version))
            .collect();
        for q in [
            "fields=name,owner,role.name,locked,scope,applications&max_records=4",
            "max_records=100",
            "fields=comment&order_by=name%20desc&max_records=3",
            "return_records=false",
        ] {
            let pq = format!("/api/security/accounts?{q}");
            for options in OPTIONS {
                let req = |out| Request {
                    method: "GET",
                    path: "/api/security/accounts",
                    path_and_query: &pq,
                    query: Query::parse(q),
                    body: b"",
                    out,
                };
                let spec = &crate::api::accounts::SPEC;
                let plain: Vec<Plain> = records.iter().cloned().map(Plain).collect();
                let as_value = collection::list(spec, plain, &req(None)).unwrap();
                let Body::Json(value) = &as_value.body else {
                    panic!("a value was asked for");
                };
                let expected = Writer::write(Def::AccountResponse, value, options);
                let plain: Vec<Plain> = records.iter().cloned().map(Plain).collect();
                let written = collection::list(spec, plain, &req(Some(options))).unwrap();
                let text = match written.body {
                    Body::Written(w) => w,
                    Body::Json(v) => Writer::write(Def::AccountResponse, &v, options),
                };
                assert_eq!(
                    String::from_utf8(text.text).unwrap(),
                    String::from_utf8(expected.text).unwrap(),
                    "{q} {options:?}"
                );
                assert!(text.violations.is_empty(), "{:?}", text.violations);
            }
        }
    }
}

#[cfg(test)]
mod names {
    use crate::model::{Application, AuthMethod, SecondAuth};
    use serde_json::json;

    /// The names a typed record writes are the ones serde writes for its value.
    #[test]
    fn enumerations_are_named_as_serde_names_them() {
        use Application::*;
        for a in [Amqp, Console, Http, Ontapi, ServiceProcessor, Ssh] {
            assert_eq!(serde_json::to_value(a).unwrap(), json!(a.name()));
            assert_eq!(Application::parse(a.name()), Some(a));
        }
        use AuthMethod::*;
        for m in [Password, Publickey, Domain, Nsswitch, Certificate, Saml] {
            assert_eq!(serde_json::to_value(m).unwrap(), json!(m.name()));
            assert_eq!(AuthMethod::parse(m.name()), Some(m));
        }
        for s in [
            SecondAuth::None,
            SecondAuth::Password,
            SecondAuth::Publickey,
            SecondAuth::Nsswitch,
            SecondAuth::Domain,
            SecondAuth::Totp,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.name()));
            assert_eq!(SecondAuth::parse(s.name()), Some(s));
        }
    }
}
