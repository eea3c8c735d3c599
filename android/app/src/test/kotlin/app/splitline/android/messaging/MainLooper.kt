package app.splitline.android.messaging

import android.os.Looper
import android.view.ViewGroup
import android.widget.TextView
import org.robolectric.Shadows.shadowOf

/** Runs the main looper until [done] holds (the core and the gateway work on their own threads), failing after [timeoutMs]. */
fun idleUntil(what: String, timeoutMs: Long = 30_000, done: () -> Boolean) {
    val deadline = System.currentTimeMillis() + timeoutMs
    val looper = shadowOf(Looper.getMainLooper())
    looper.idle()
    while (!done()) {
        if (System.currentTimeMillis() > deadline) throw AssertionError("timed out waiting for $what")
        Thread.sleep(POLL_MS) // let the background threads post; then run what they posted
        looper.idle()
    }
}

/** The texts of the [TextView]s directly in [group], in order. */
fun lines(group: ViewGroup): List<String> =
    (0 until group.childCount).mapNotNull { (group.getChildAt(it) as? TextView)?.text?.toString() }

private const val POLL_MS = 10L
