package app.splitline.shell

import uniffi.splitline_bindings.initLogging

/** The core library itself, loaded through the bindings (JNA). */
object Core {
    /**
     * Loads the core and starts its logging (logcat on Android). Fails, without
     * throwing, when the native library cannot be loaded.
     */
    fun start(level: String = "info"): Result<Unit> =
        try {
            initLogging(level)
            Result.success(Unit)
        } catch (e: LinkageError) {
            Result.failure(IllegalStateException(e.toString(), e))
        }
}
