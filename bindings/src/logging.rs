//! Where the core's logs go: logcat on Android, stderr elsewhere. The core
//! logs with `tracing` and never logs passwords, tokens or message text.

/// Starts logging at `level` (`error`, `warn`, `info`, `debug` or `trace`);
/// later calls change nothing.
#[uniffi::export]
pub fn init_logging(level: String) {
    platform::init(&level);
}

#[cfg(target_os = "android")]
mod platform {
    pub fn init(level: &str) {
        let filter = level.parse().unwrap_or(log::LevelFilter::Info);
        android_logger::init_once(
            android_logger::Config::default()
                .with_max_level(filter)
                .with_tag("splitline"),
        );
    }
}

#[cfg(not(target_os = "android"))]
mod platform {
    pub fn init(level: &str) {
        let filter = tracing_subscriber::EnvFilter::try_new(level)
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        // A second call finds a subscriber already set; that is fine.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}
