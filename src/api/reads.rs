//! Listing reads off the page's main thread: a dedicated worker (`assets/reads-worker.js`, named
//! by index.html's `totp-admin-reads-worker` marker) fetches a GET and hands its body back as
//! bytes, transferred rather than copied. Receiving a body keeps the thread that fetched it
//! busy: 176 MB of a fleet overview's listings kept the main thread busy 1.1 s against
//! 0.18 s when a worker fetched them (issue 19, BENCHMARKS.md).
//!
//! GETs only, and only a fleet's listings (`Client::reading_off_thread`): a write is always
//! sent by the thread that awaits its answer. Until the worker says it is ready, or when it
//! cannot start (a deployment without the file, a build without the marker, the wasm tests),
//! the transport fetches on the main thread as before: a read waits at most
//! [`READY_WAIT_MS`] for a worker that is starting.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, MessageEvent, Worker};

/// A body and what the transport reads of the answer's head.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) date: Option<String>,
    pub(crate) body: Vec<u8>,
}

struct Reader {
    worker: Worker,
    ready: Cell<bool>,
    next: Cell<u32>,
    /// The requests sent and not yet answered; a dropped sender is a failed request.
    pending: RefCell<HashMap<u32, oneshot::Sender<Reply>>>,
    /// Reads waiting for the worker's "ready" ([`ready`]).
    waiting: RefCell<Vec<oneshot::Sender<()>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

enum State {
    NotStarted,
    Started(Reader),
    /// No marker, or the worker could not start or failed: the main thread fetches.
    Off,
}

thread_local! {
    static READER: RefCell<State> = const { RefCell::new(State::NotStarted) };
}

/// The worker's address from index.html's marker (release builds name the hashed file).
fn worker_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let marker = doc
        .query_selector("meta[name=totp-admin-reads-worker][content]")
        .ok()??;
    marker.get_attribute("content").filter(|c| !c.is_empty())
}

/// Starts the worker if it is not started yet: the transport calls this at every read of a
/// client that reads off the page's thread, so that the worker is ready by the time the
/// listings come (a sign-in reads before it lists).
pub(crate) fn warm() {
    if READER.with(|r| matches!(&*r.borrow(), State::NotStarted)) {
        start();
    }
}

fn start() {
    let Some(url) = worker_url() else {
        READER.with(|r| *r.borrow_mut() = State::Off);
        return;
    };
    let Ok(worker) = Worker::new(&url) else {
        READER.with(|r| *r.borrow_mut() = State::Off);
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| answered(&e.data()));
    // A worker whose script does not load or that throws: every read it holds fails (the
    // transport's retry reads again, on the main thread from now on).
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_e: web_sys::Event| switch_off());
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // A reply that could not be passed over is a read lost: no more through the worker.
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
    let reader = Reader {
        worker,
        ready: Cell::new(false),
        next: Cell::new(1),
        pending: RefCell::new(HashMap::new()),
        waiting: RefCell::new(Vec::new()),
        _on_message: on_message,
        _on_error: on_error,
    };
    READER.with(|r| *r.borrow_mut() = State::Started(reader));
}

/// Switches the worker off for the rest of the page's life: the page fetches every read.
pub(crate) fn switch_off() {
    let old = READER.with(|r| std::mem::replace(&mut *r.borrow_mut(), State::Off));
    if let State::Started(reader) = old {
        reader.worker.terminate();
        // Dropping the senders fails every read still waiting.
        reader.pending.borrow_mut().clear();
    }
}

fn answered(data: &JsValue) {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    if get("ready").as_bool() == Some(true) {
        READER.with(|r| {
            if let State::Started(reader) = &*r.borrow() {
                reader.ready.set(true);
                for w in reader.waiting.borrow_mut().drain(..) {
                    let _ = w.send(());
                }
            }
        });
        return;
    }
    let Some(id) = get("id").as_f64().map(|id| id as u32) else {
        return;
    };
    let Some(sender) = READER.with(|r| match &*r.borrow() {
        State::Started(reader) => reader.pending.borrow_mut().remove(&id),
        _ => None,
    }) else {
        return;
    };
    let body = get("body");
    if get("failed").is_truthy() || !body.is_instance_of::<js_sys::ArrayBuffer>() {
        return; // the sender dropped: a network failure
    }
    let _ = sender.send(Reply {
        status: get("status").as_f64().unwrap_or(0.0) as u16,
        date: get("date").as_string(),
        // One copy into wasm memory, as the main thread's own fetch makes.
        body: Uint8Array::new(&body).to_vec(),
    });
}

/// What became of a read handed to the worker.
pub(crate) enum Outcome {
    Answered(Reply),
    /// The request failed (the network, an abort of its signal, the worker gone).
    Failed,
    /// The worker does not run: the caller fetches it itself, nothing was sent.
    NotHere,
}

/// How long a read waits for a starting worker; one not ready by then is switched off and the
/// page fetches everything itself (the worker, started at a sign-in's first read, is usually
/// ready within a few tens of ms).
const READY_WAIT_MS: u32 = 500;

/// Sends a GET of `url` (absolute) with `headers` through the worker, once it is ready. An
/// abort of `signal` (the timeout, the view gone) aborts the worker's request too.
pub(crate) async fn get(url: &str, headers: &[(&str, &str)], signal: &AbortSignal) -> Outcome {
    if !ready().await {
        return Outcome::NotHere;
    }
    if signal.aborted() {
        return Outcome::Failed;
    }
    let Some((id, rx)) = send(url, headers) else {
        return Outcome::NotHere;
    };
    let on_abort = Closure::<dyn FnMut()>::once(move || {
        READER.with(|r| {
            if let State::Started(reader) = &*r.borrow() {
                if reader.pending.borrow_mut().remove(&id).is_some() {
                    let message = Object::new();
                    let _ = Reflect::set(&message, &"abort".into(), &id.into());
                    let _ = reader.worker.post_message(&message);
                }
            }
        });
    });
    let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    let reply = rx.await;
    let _ = signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    match reply {
        Ok(r) => Outcome::Answered(r),
        Err(_) => Outcome::Failed,
    }
}

/// Whether the worker runs, waiting up to [`READY_WAIT_MS`] for one that is starting.
async fn ready() -> bool {
    let waiting = READER.with(|r| match &*r.borrow() {
        State::Started(reader) if reader.ready.get() => Ok(()),
        State::Started(reader) => {
            let (tx, rx) = oneshot::channel();
            reader.waiting.borrow_mut().push(tx);
            Err(Some(rx))
        }
        _ => Err(None),
    });
    match waiting {
        Ok(()) => true,
        Err(None) => false,
        Err(Some(rx)) => {
            let timer = std::pin::pin!(crate::platform::sleep_ms(READY_WAIT_MS));
            // Told "ready", or the worker gone (the sender dropped), or the time is up: a
            // worker not ready by then is switched off, so no read waits for it again.
            let _ = futures::future::select(rx, timer).await;
            let ready = READER
                .with(|r| matches!(&*r.borrow(), State::Started(reader) if reader.ready.get()));
            if !ready {
                switch_off();
            }
            ready
        }
    }
}

/// Posts the request to the worker; its id and where its answer will come.
fn send(url: &str, headers: &[(&str, &str)]) -> Option<(u32, oneshot::Receiver<Reply>)> {
    READER.with(|r| {
        let State::Started(reader) = &*r.borrow() else {
            return None;
        };
        let id = reader.next.get();
        reader.next.set(id.wrapping_add(1));
        let pairs = Array::new();
        for (k, v) in headers {
            pairs.push(&Array::of2(&JsValue::from_str(k), &JsValue::from_str(v)));
        }
        let message = Object::new();
        let _ = Reflect::set(&message, &"id".into(), &id.into());
        let _ = Reflect::set(&message, &"url".into(), &url.into());
        let _ = Reflect::set(&message, &"headers".into(), &pairs);
        let (tx, rx) = oneshot::channel();
        reader.pending.borrow_mut().insert(id, tx);
        if reader.worker.post_message(&message).is_err() {
            reader.pending.borrow_mut().remove(&id);
            return None;
        }
        Some((id, rx))
    })
}
