// Test-only stand-in (see android/test-support/README.md).
package androidx.test.internal.platform.util

/** Robolectric calls this when an idling resource times out; the stand-in prints the threads. */
object TestOutputEmitter {
    @JvmStatic
    fun dumpThreadStates(outputFileName: String) {
        System.err.println("thread states ($outputFileName):")
        Thread.getAllStackTraces().forEach { (thread, stack) ->
            System.err.println("  ${thread.name}: ${stack.firstOrNull()}")
        }
    }
}
