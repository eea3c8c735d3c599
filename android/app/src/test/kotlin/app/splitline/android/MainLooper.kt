package app.splitline.android

import android.os.Looper
import java.util.concurrent.TimeUnit
import org.robolectric.Shadows.shadowOf

/**
 * Runs the main looper until [done] holds (the core and the gateway work on
 * their own threads and post back), failing after [timeoutMs] with [what].
 * Each round also moves the looper's clock on, so delayed posts (a pause
 * after typing, an answer after ringing) run as they would.
 */
fun idleUntil(what: String = "the condition", timeoutMs: Long = 30_000, done: () -> Boolean) {
    val deadline = System.currentTimeMillis() + timeoutMs
    val looper = shadowOf(Looper.getMainLooper())
    looper.idle()
    while (!done()) {
        if (System.currentTimeMillis() > deadline) throw AssertionError("timed out waiting for $what")
        Thread.sleep(POLL_MS) // let the background threads post; then run what they posted
        looper.idleFor(POLL_MS, TimeUnit.MILLISECONDS)
    }
}

private const val POLL_MS = 10L
