package app.splitline.test

import android.app.Instrumentation
import android.content.Context
import org.junit.runner.Description
import org.junit.runner.Request
import org.junit.runner.manipulation.Filter

/** What an on-device test reaches: the running [Instrumentation] and the app's context. */
object OnDevice {
    /** Set by [JUnitInstrumentation] before any test runs. */
    @Volatile
    lateinit var instrumentation: Instrumentation

    /** The app under test (app.splitline), in whose process the tests run. */
    val app: Context get() = instrumentation.targetContext
}

/** The on-device test classes, run in this order when `-e class` names none. */
object OnDeviceTests {
    val ALL: List<Class<*>> = listOf(
        PlatformSipOnDeviceTest::class.java,
        NotificationChannelsOnDeviceTest::class.java,
        LauncherOnDeviceTest::class.java,
    )

    /** The classes (or `Class#method`s) named by `-e class`, else every on-device test. */
    fun request(selection: String?): Request {
        val names = selection?.split(',')?.map { it.trim() }?.filter { it.isNotEmpty() }.orEmpty()
        if (names.isEmpty()) return Request.classes(*OnDeviceTests.ALL.toTypedArray())
        val classes = names.map { Class.forName(it.substringBefore('#')) }.distinct()
        val request = Request.classes(*classes.toTypedArray())
        val wholeClasses = names.filter { '#' !in it }.toSet()
        val methods = names.filter { '#' in it }.toSet()
        if (methods.isEmpty()) return request
        return request.filterWith(
            object : Filter() {
                override fun shouldRun(description: Description): Boolean = description.methodName == null ||
                    description.className in wholeClasses ||
                    "${description.className}#${description.methodName}" in methods

                override fun describe(): String = "the tests named by -e class"
            },
        )
    }
}
