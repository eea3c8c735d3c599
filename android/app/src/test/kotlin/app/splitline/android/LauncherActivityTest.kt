package app.splitline.android

import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class LauncherActivityTest {
    @Test
    fun theLauncherStartsAndShowsTheSignInForm() {
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        val gateway = activity.requireViewById<EditText>(ViewIds.GATEWAY)
        val address = activity.requireViewById<EditText>(ViewIds.ADDRESS)
        val password = activity.requireViewById<EditText>(ViewIds.PASSWORD)
        for (field in listOf(gateway, address, password)) {
            assertNotNull(field)
            assertEquals(View.VISIBLE, field.visibility)
        }
        assertEquals("Address (name@domain)", address.hint.toString())
        assertTrue(password.inputType and android.text.InputType.TYPE_TEXT_VARIATION_PASSWORD != 0)
        assertEquals("Sign in", activity.requireViewById<Button>(ViewIds.SIGN_IN).text.toString())
    }

    @Test
    fun theLauncherSaysPlatformSipIsAbsentOnAPhoneWithoutIt() {
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        assertEquals(
            "Platform SIP: not on this phone; calls use carrier voice.",
            activity.requireViewById<TextView>(ViewIds.SIP).text.toString(),
        )
    }

    @Test
    fun signingInWithAnEmptyFormMarksEachFieldAndSendsNothing() {
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        activity.requireViewById<EditText>(ViewIds.GATEWAY).setText("http://gateway.example.net")
        activity.requireViewById<Button>(ViewIds.SIGN_IN).performClick()
        assertEquals(
            "Use https:// (plain http only reaches a gateway on this device)",
            activity.requireViewById<EditText>(ViewIds.GATEWAY).error.toString(),
        )
        assertEquals("Enter your network address as name@domain", activity.requireViewById<EditText>(ViewIds.ADDRESS).error.toString())
        assertEquals("Enter your password", activity.requireViewById<EditText>(ViewIds.PASSWORD).error.toString())
        assertTrue(activity.requireViewById<TextView>(ViewIds.STATUS).text.toString() != "Signing in…")
    }

    @Test
    fun aCorrectedFieldLosesItsMark() {
        val activity = Robolectric.buildActivity(LauncherActivity::class.java).setup().get()
        val signIn = activity.requireViewById<Button>(ViewIds.SIGN_IN)
        signIn.performClick()
        activity.requireViewById<EditText>(ViewIds.PASSWORD).setText("secret")
        signIn.performClick()
        assertNull(activity.requireViewById<EditText>(ViewIds.PASSWORD).error)
    }
}
