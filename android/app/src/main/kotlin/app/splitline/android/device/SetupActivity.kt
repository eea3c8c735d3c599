package app.splitline.android.device

import android.Manifest
import android.app.AlertDialog
import android.content.Intent
import android.os.Build
import android.os.Bundle
import android.text.InputType
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import app.splitline.android.PlatformSipCheck
import app.splitline.android.SplitlineActivity
import app.splitline.android.button
import app.splitline.android.calls.VerifyNumberActivity
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.android.messaging.HomeActivity
import app.splitline.android.screen
import app.splitline.android.splitline
import app.splitline.shell.device.SetupPresenter
import app.splitline.shell.device.SetupState
import app.splitline.shell.signin.FormProblem
import app.splitline.shell.signin.SignInForm
import app.splitline.shell.sip.SipReason
import kotlinx.coroutines.launch

/**
 * First-run setup: the gateway's address, the network address and the
 * password. On success the account is the app's, the credentials are stored
 * (the password as Keystore ciphertext), the home screen starts, and the
 * mobile-number check is offered. Binds [SetupPresenter]'s state to views.
 */
class SetupActivity : SplitlineActivity() {
    private lateinit var presenter: SetupPresenter
    private lateinit var gateway: EditText
    private lateinit var address: EditText
    private lateinit var password: EditText
    private lateinit var signIn: Button
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val credentials = CredentialStore(this)
        presenter = SetupPresenter(
            filesDir,
            credentials.deviceId(),
            AccountStarter.BUILD_ID,
            CredentialStore.cipher(),
            store = credentials::save,
            onSignedIn = {
                splitline.adopt(it)
                SyncTrigger.signedIn(this, true)
                follow(splitline, it)
            },
        )
        val form = screen("Set up Splitline")
        val text = InputType.TYPE_CLASS_TEXT
        gateway = form.field(SetupIds.GATEWAY, "Gateway (https://…)", text or InputType.TYPE_TEXT_VARIATION_URI)
        address = form.field(SetupIds.ADDRESS, "Address (name@domain)", text or InputType.TYPE_TEXT_VARIATION_EMAIL_ADDRESS)
        password = form.field(SetupIds.PASSWORD, "Password", text or InputType.TYPE_TEXT_VARIATION_PASSWORD)
        password.setAutofillHints(View.AUTOFILL_HINT_PASSWORD)
        signIn = form.button(SetupIds.SIGN_IN, "Sign in") { submit() }
        status = form.label(SetupIds.STATUS)
        form.label(SetupIds.SIP, describe(PlatformSipCheck(this).status().reason))

        splitline.coreLoaded.onFailure {
            status.text = "The app's core could not be loaded. Reinstall the app."
            signIn.isEnabled = false
        }
        scope.launch { presenter.state.collect(::show) }
    }

    private fun submit() {
        val form = SignInForm(gateway.text.toString(), address.text.toString(), password.text.toString())
        scope.launch { presenter.submit(form) }
    }

    private fun show(state: SetupState) {
        signIn.isEnabled = state !is SetupState.SigningIn && splitline.coreLoaded.isSuccess
        val problems = (state as? SetupState.Editing)?.problems.orEmpty().associateBy { it.field }
        gateway.error = problems[FormProblem.Field.GATEWAY_URL]?.advice
        address.error = problems[FormProblem.Field.ADDRESS]?.advice
        password.error = problems[FormProblem.Field.PASSWORD]?.advice
        status.text = when (state) {
            is SetupState.Editing -> if (problems.isEmpty()) "" else "Correct the marked fields."
            SetupState.SigningIn -> "Signing in…"
            is SetupState.SignedIn -> "Signed in as ${state.address}."
            is SetupState.Refused -> state.message
            is SetupState.Unreachable -> state.message
        }
        if (state is SetupState.SignedIn) askNotifications { offerNumberCheck() }
    }

    /** On API 33+, asks for POST_NOTIFICATIONS; refused, the unread counts still show in the app. */
    private fun askNotifications(then: () -> Unit) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU) return then()
        withPermission(
            Manifest.permission.POST_NOTIFICATIONS,
            "Splitline tells you about new messages and calls with notifications.",
        ) { granted ->
            if (!granted) status.text = "${status.text} Without notifications, new messages show only as unread counts in the app."
            then()
        }
    }

    /** Home, then (if the user wants it now) the mobile-number check on top of it. */
    private fun offerNumberCheck() {
        AlertDialog.Builder(this)
            .setTitle("Prove your mobile number?")
            .setMessage("Splitline can call your mobile number once to prove it is yours, so calls can reach you on it.")
            .setPositiveButton("Now") { _, _ -> leave(withNumberCheck = true) }
            .setNegativeButton("Later") { _, _ -> leave(withNumberCheck = false) }
            .setOnCancelListener { leave(withNumberCheck = false) }
            .show()
    }

    private fun leave(withNumberCheck: Boolean) {
        val screens = listOfNotNull(
            Intent(this, HomeActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TASK),
            if (withNumberCheck) Intent(this, VerifyNumberActivity::class.java) else null,
        )
        startActivities(screens.toTypedArray())
        finish()
    }

    companion object {
        /** The platform SIP check's result in words (shown during setup). */
        fun describe(reason: SipReason): String =
            when (reason) {
                SipReason.AVAILABLE -> "Platform SIP: available."
                SipReason.NO_SIP_FEATURE -> "Platform SIP: not on this phone; calls use carrier voice."
                SipReason.NO_VOIP_FEATURE -> "Platform SIP: no VoIP calls on this phone; calls use carrier voice."
                SipReason.SIP_MANAGER_MISSING -> "Platform SIP: declared but not reachable; calls use carrier voice."
                SipReason.API_NOT_SUPPORTED, SipReason.VOIP_NOT_SUPPORTED ->
                    "Platform SIP: not supported here; calls use carrier voice."
            }
    }
}

/** The setup screen's view ids (the UI is built in code). */
object SetupIds {
    const val GATEWAY = 1801
    const val ADDRESS = 1802
    const val PASSWORD = 1803
    const val SIGN_IN = 1804
    const val STATUS = 1805
    const val SIP = 1806
}
