package app.splitline.test

import android.app.Activity
import android.content.Intent
import android.view.View
import app.splitline.android.LauncherActivity
import app.splitline.android.device.CredentialStore
import app.splitline.android.device.SetupActivity
import app.splitline.android.device.SetupIds
import app.splitline.android.messaging.HomeActivity
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Test

/**
 * The launcher's intent starts LauncherActivity, which opens setup (with its
 * form) on a phone with no stored account, else the home screen.
 */
class LauncherOnDeviceTest {
    @Test
    fun theLaunchIntentRoutesToSetupOrHome() {
        val app = OnDevice.app
        val launch = app.packageManager.getLaunchIntentForPackage(app.packageName)
        assertNotNull("no launch intent for ${app.packageName}", launch)
        assertEquals(LauncherActivity::class.java.name, launch?.component?.className)
        val stored = CredentialStore(app).load() != null
        val expected = if (stored) HomeActivity::class.java else SetupActivity::class.java
        val monitor = OnDevice.instrumentation.addMonitor(expected.name, null, false)
        val intent = requireNotNull(launch).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        OnDevice.instrumentation.startActivitySync(intent)
        val next: Activity? = OnDevice.instrumentation.waitForMonitorWithTimeout(monitor, 10_000)
        try {
            assertNotNull("${expected.simpleName} did not start", next)
            if (!stored) {
                OnDevice.instrumentation.waitForIdleSync()
                for (id in listOf(SetupIds.GATEWAY, SetupIds.ADDRESS, SetupIds.PASSWORD, SetupIds.SIGN_IN)) {
                    val view = requireNotNull(next?.findViewById<View>(id)) { "no view $id" }
                    assertEquals(View.VISIBLE, view.visibility)
                }
            }
        } finally {
            next?.finish()
            OnDevice.instrumentation.removeMonitor(monitor)
        }
    }
}
