package app.splitline.test

import android.app.Activity
import android.app.Instrumentation
import android.os.Bundle
import org.junit.runner.JUnitCore
import org.junit.runner.Result

/**
 * A framework [Instrumentation] (no AndroidX) that runs the on-device tests
 * with JUnit 4 inside the app's process and reports them as `am instrument -r`
 * expects: a status per test start and end ([StatusReporter]), then the
 * summary as the result's `stream`.
 *
 * `-e class app.splitline.test.SomeTest[#method][,...]` runs only those;
 * without it, every class in [OnDeviceTests.ALL].
 */
class JUnitInstrumentation : Instrumentation() {
    private var arguments = Bundle()

    private companion object {
        /** The `-e class` argument of `am instrument`. */
        const val ARGUMENT_CLASS = "class"
    }

    override fun onCreate(arguments: Bundle?) {
        super.onCreate(arguments)
        this.arguments = arguments ?: Bundle()
        OnDevice.instrumentation = this
        start()
    }

    override fun onStart() {
        super.onStart()
        val core = JUnitCore()
        val reporter = StatusReporter(::sendStatus)
        core.addListener(reporter)
        val result = core.run(OnDeviceTests.request(arguments.getString(ARGUMENT_CLASS)))
        val summary = Bundle()
        summary.putString(REPORT_KEY_STREAMRESULT, summaryOf(result))
        finish(Activity.RESULT_OK, summary)
    }

    private fun summaryOf(result: Result): String = buildString {
        append("\nTime: ").append(result.runTime / 1000.0).append('\n')
        for (failure in result.failures) {
            append('\n').append(failure.testHeader).append('\n').append(failure.trace)
        }
        if (result.wasSuccessful()) {
            append("\nOK (").append(result.runCount).append(" tests)\n")
        } else {
            append("\nFAILURES!!!\nTests run: ").append(result.runCount)
            append(",  Failures: ").append(result.failureCount).append('\n')
        }
    }
}
