//! A CPU hog for the busy host's figures (the first load, the emulator's queries).

/// A CPU hog on one core for the busy host's figures: spins until dropped, and never longer
/// than its limit (a bench that fails midway must not leave the machine busy).
pub(crate) struct Hog {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hog {
    pub(crate) fn start(limit: std::time::Duration) -> Hog {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let t0 = std::time::Instant::now();
            let mut x = 0u64;
            while !flag.load(Ordering::Relaxed) && t0.elapsed() < limit {
                for i in 0..100_000u64 {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
                }
            }
        });
        Hog {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Hog {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}
