package app.splitline.android

import app.splitline.android.device.CredentialStore
import app.splitline.android.device.SetupActivity
import app.splitline.android.device.SoftwareCipher
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.device.StoredCredentials
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

@RunWith(RobolectricTestRunner::class)
class LauncherActivityTest {
    @Test
    fun withNothingStoredTheLauncherOpensSetup() {
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        assertEquals(SetupActivity::class.java.name, shadowOf(activity).nextStartedActivity.component?.className)
        assertTrue(activity.isFinishing)
    }

    @Test
    fun withAStoredAccountTheLauncherOpensHome() {
        val settings = AccountSettings(listOf("https://gateway.example.net"), "ivan@example.net", "device", "build")
        CredentialStore(RuntimeEnvironment.getApplication()).save(StoredCredentials.seal(settings, "pw", SoftwareCipher()))
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        assertEquals("app.splitline.android.messaging.HomeActivity", shadowOf(activity).nextStartedActivity.component?.className)
    }
}
