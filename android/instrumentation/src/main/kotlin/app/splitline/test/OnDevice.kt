package app.splitline.test

import android.app.Instrumentation
import android.content.Context

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
}
