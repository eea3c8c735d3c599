// Test-only stand-in for the few androidx.test monitor classes Robolectric
// 4.16.1 calls (androidx.test:monitor is in Google's repository only). See
// android/test-support/README.md for what it replaces and what it leaves out.
package androidx.test.platform.app

import android.app.Instrumentation
import android.os.Bundle

/** Holds the instrumentation Robolectric registers for each test. */
object InstrumentationRegistry {
    @Volatile private var instrumentation: Instrumentation? = null

    @Volatile private var arguments: Bundle? = null

    @JvmStatic
    fun registerInstance(instrumentation: Instrumentation?, arguments: Bundle?) {
        this.instrumentation = instrumentation
        this.arguments = arguments
    }

    @JvmStatic
    fun getInstrumentation(): Instrumentation =
        instrumentation ?: throw IllegalStateException("no instrumentation registered")

    @JvmStatic
    fun getArguments(): Bundle = arguments ?: Bundle()
}
