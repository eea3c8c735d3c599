package app.splitline.test

import android.content.Intent
import android.view.View
import app.splitline.android.LauncherActivity
import app.splitline.android.ViewIds
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** The launcher's intent starts LauncherActivity, which shows the sign-in form. */
class LauncherOnDeviceTest {
    @Test
    fun theLaunchIntentStartsTheLauncherWithItsForm() {
        val app = OnDevice.app
        val launch = app.packageManager.getLaunchIntentForPackage(app.packageName)
        assertNotNull("no launch intent for ${app.packageName}", launch)
        val intent = requireNotNull(launch).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        val activity = OnDevice.instrumentation.startActivitySync(intent)
        try {
            assertTrue("started ${activity.javaClass.name}", activity is LauncherActivity)
            OnDevice.instrumentation.waitForIdleSync()
            for (id in listOf(ViewIds.GATEWAY, ViewIds.ADDRESS, ViewIds.PASSWORD, ViewIds.SIGN_IN)) {
                val view = requireNotNull(activity.findViewById<View>(id)) { "no view $id" }
                assertEquals(View.VISIBLE, view.visibility)
            }
        } finally {
            activity.finish()
        }
    }
}
