package app.splitline.android.device

import android.Manifest
import android.app.AlertDialog
import android.content.Context
import android.content.pm.PackageManager
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.splitline.android.SplitlineApp
import app.splitline.android.calls.VerifyNumberActivity
import app.splitline.android.idleUntil
import app.splitline.android.messaging.HomeActivity
import app.splitline.shell.account.Connection
import app.splitline.testsupport.TestNetwork
import java.util.Base64
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** First-run setup from the screen through the real core to the real gateway and Prosody. */
@RunWith(RobolectricTestRunner::class)
class SetupActivityTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val cipher = SoftwareCipher()

    @Before
    fun useTheTestCipher() {
        CredentialStore.cipher = { cipher }
    }

    @After
    fun tearDown() {
        app.account?.let { kotlinx.coroutines.runBlocking { it.signOff() } }
        app.adopt(null)
        CredentialStore.cipher = { KeystoreCipher() }
    }

    private fun fillAndSend(activity: SetupActivity, address: String, password: String) {
        activity.requireViewById<EditText>(SetupIds.GATEWAY).setText(TestNetwork.gateway)
        activity.requireViewById<EditText>(SetupIds.ADDRESS).setText(address)
        activity.requireViewById<EditText>(SetupIds.PASSWORD).setText(password)
        activity.requireViewById<Button>(SetupIds.SIGN_IN).performClick()
    }

    private fun status(activity: SetupActivity) = activity.requireViewById<TextView>(SetupIds.STATUS).text.toString()

    @Test
    fun sybilSignsInAndOnlyCiphertextOfThePasswordIsStoredThenHomeStarts() {
        val sybil = TestNetwork.account("sybil")
        shadowOf(app).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val activity = Robolectric.buildActivity(SetupActivity::class.java).setup().get()
        fillAndSend(activity, sybil.address, sybil.password)
        idleUntil("the sign-in") { status(activity).startsWith("Signed in") }

        val prefs = app.getSharedPreferences(CredentialStore.FILE, Context.MODE_PRIVATE).all
        assertFalse("no plain password in $prefs", prefs.values.any { it.toString().contains(sybil.password) })
        val sealed = Base64.getDecoder().decode(prefs["password_sealed"].toString())
        assertEquals(sybil.password, String(cipher.open(sealed)))
        assertEquals(sybil.address, CredentialStore(app).load()?.address)
        assertEquals(Connection.Online, app.account?.connection())

        // POST_NOTIFICATIONS (API 33+): refused, the screen says what that means.
        clickLatestDialog(AlertDialog.BUTTON_POSITIVE)
        val request = shadowOf(activity).lastRequestedPermission
        assertEquals(listOf(Manifest.permission.POST_NOTIFICATIONS), request.requestedPermissions.toList())
        activity.onRequestPermissionsResult(request.requestCode, request.requestedPermissions, intArrayOf(PackageManager.PERMISSION_DENIED))
        assertTrue(status(activity).endsWith("Without notifications, new messages show only as unread counts in the app."))

        // Then the number check is offered; "Later" goes home only.
        clickLatestDialog(AlertDialog.BUTTON_NEGATIVE)
        val started = generateSequence { shadowOf(activity).nextStartedActivity }
            .filter { it.action != PackageManager.ACTION_REQUEST_PERMISSIONS }
            .map { it.component?.className }
        assertEquals(listOf(HomeActivity::class.java.name), started.toList())
        assertTrue(activity.isFinishing)
    }

    @Test
    fun judyWithAWrongPasswordIsRefusedInPlainWordsAndNothingIsStored() {
        val judy = TestNetwork.account("judy")
        val activity = Robolectric.buildActivity(SetupActivity::class.java).setup().get()
        fillAndSend(activity, judy.address, "not-${judy.password}")
        idleUntil("the refusal") { status(activity).startsWith("The network refused") }
        assertTrue(app.getSharedPreferences(CredentialStore.FILE, Context.MODE_PRIVATE).all.keys.none { it == "password_sealed" })
        assertNull(CredentialStore(app).load())
        assertNull(app.account)
        assertTrue(activity.requireViewById<Button>(SetupIds.SIGN_IN).isEnabled)
    }

    @Test
    fun anEmptyFormMarksEachFieldAndSendsNothing() {
        val activity = Robolectric.buildActivity(SetupActivity::class.java).setup().get()
        activity.requireViewById<Button>(SetupIds.SIGN_IN).performClick()
        idleUntil("the marks") { activity.requireViewById<EditText>(SetupIds.PASSWORD).error != null }
        assertEquals("Enter your network address as name@domain", activity.requireViewById<EditText>(SetupIds.ADDRESS).error.toString())
        assertEquals("Correct the marked fields.", status(activity))
        assertEquals(
            "Platform SIP: not on this phone; calls use carrier voice.",
            activity.requireViewById<TextView>(SetupIds.SIP).text.toString(),
        )
    }

    @Test
    fun choosingNowOpensHomeAndTheNumberCheckOnTopOfIt() {
        val mallory = TestNetwork.account("mallory")
        shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val activity = Robolectric.buildActivity(SetupActivity::class.java).setup().get()
        fillAndSend(activity, mallory.address, mallory.password)
        idleUntil("the sign-in") { status(activity).startsWith("Signed in") }
        clickLatestDialog(AlertDialog.BUTTON_POSITIVE)
        val started = generateSequence { shadowOf(activity).nextStartedActivity }.map { it.component?.className }.toList()
        assertEquals(setOf(HomeActivity::class.java.name, VerifyNumberActivity::class.java.name), started.toSet())
    }
}
