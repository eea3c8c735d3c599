// Test-only stand-in (see android/test-support/README.md).
@file:Suppress("unused")

package androidx.test.runner.intent

import android.app.Instrumentation
import android.content.Intent

fun interface IntentCallback {
    fun onIntentSent(intent: Intent)
}

interface IntentMonitor {
    fun addIntentCallback(callback: IntentCallback)
    fun removeIntentCallback(callback: IntentCallback)
}

object IntentMonitorRegistry {
    @Volatile private var monitor: IntentMonitor? = null

    @JvmStatic
    fun registerInstance(monitor: IntentMonitor?) {
        this.monitor = monitor
    }

    @JvmStatic
    fun getInstance(): IntentMonitor =
        monitor ?: throw IllegalStateException("no intent monitor registered")
}

fun interface IntentStubber {
    fun getActivityResultForIntent(intent: Intent): Instrumentation.ActivityResult?
}

/** No intent stubbing here: [isLoaded] is always false. */
object IntentStubberRegistry {
    @JvmStatic
    fun isLoaded(): Boolean = false

    @JvmStatic
    fun getInstance(): IntentStubber = throw IllegalStateException("no intent stubber (stand-in)")
}
