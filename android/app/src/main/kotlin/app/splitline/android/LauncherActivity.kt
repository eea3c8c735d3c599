package app.splitline.android

import android.app.Activity
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
import app.splitline.shell.account.Account
import app.splitline.shell.core.CoreError
import app.splitline.shell.signin.FormProblem
import app.splitline.shell.signin.InvalidForm
import app.splitline.shell.signin.SignIn
import app.splitline.shell.signin.SignInForm
import app.splitline.shell.signin.problems
import app.splitline.shell.sip.SipReason
import java.util.UUID
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

/**
 * The launcher: loads the core through the bindings and shows the first-run
 * sign-in form (gateway, address, password). Binds state to views only; the
 * checks and the sign-in live in the shell.
 */
class LauncherActivity : Activity() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)
    private var account: Account? = null

    private lateinit var gateway: EditText
    private lateinit var address: EditText
    private lateinit var password: EditText
    private lateinit var signIn: Button
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val core = splitline.coreLoaded
        val sip = PlatformSipCheck(this).status()

        val form = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            val pad = (16 * resources.displayMetrics.density).toInt()
            setPadding(pad, pad, pad, pad)
        }
        form.addView(
            TextView(this).apply {
                text = "Sign in to Splitline"
                textSize = 22f
            },
        )
        gateway = field(form, ViewIds.GATEWAY, "Gateway (https://…)", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        address =
            field(form, ViewIds.ADDRESS, "Address (name@domain)", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_EMAIL_ADDRESS)
        password = field(form, ViewIds.PASSWORD, "Password", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD)
        password.setAutofillHints(View.AUTOFILL_HINT_PASSWORD)
        signIn = Button(this).apply {
            id = ViewIds.SIGN_IN
            text = "Sign in"
            setOnClickListener { submit() }
        }
        form.addView(signIn, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        status = TextView(this).apply { id = ViewIds.STATUS }
        form.addView(status)
        form.addView(
            TextView(this).apply {
                id = ViewIds.SIP
                text = describe(sip.reason)
            },
        )

        core.onFailure {
            status.text = "The app's core could not be loaded: ${it.message}. Reinstall the app."
            signIn.isEnabled = false
        }
        setContentView(ScrollView(this).apply { addView(form) })
    }

    override fun onDestroy() {
        scope.cancel()
        account?.close()
        super.onDestroy()
    }

    private fun field(parent: LinearLayout, viewId: Int, label: String, type: Int): EditText =
        EditText(this).apply {
            id = viewId
            hint = label
            inputType = type
            isSingleLine = true
            parent.addView(this, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        }

    private fun submit() {
        val form = SignInForm(gateway.text.toString(), address.text.toString(), password.text.toString())
        val problems = form.problems()
        showProblems(problems)
        if (problems.isNotEmpty()) return
        signIn.isEnabled = false
        status.text = "Signing in…"
        val signer = SignIn(filesDir, deviceId(), BUILD_ID)
        scope.launch {
            val result = signer.signIn(form)
            runOnUiThread {
                signIn.isEnabled = true
                result.onSuccess {
                    account?.close()
                    account = it
                    status.text = "Signed in as ${form.address.trim()}."
                }.onFailure { status.text = explain(it) }
            }
        }
    }

    private fun showProblems(problems: List<FormProblem>) {
        val byField = problems.associateBy { it.field }
        gateway.error = byField[FormProblem.Field.GATEWAY_URL]?.advice
        address.error = byField[FormProblem.Field.ADDRESS]?.advice
        password.error = byField[FormProblem.Field.PASSWORD]?.advice
    }

    private fun deviceId(): String {
        val prefs = getSharedPreferences("device", MODE_PRIVATE)
        return prefs.getString("id", null) ?: UUID.randomUUID().toString().also {
            prefs.edit().putString("id", it).apply()
        }
    }

    companion object {
        const val BUILD_ID = "android-0.1.0"

        fun explain(error: Throwable): String =
            when (error) {
                is InvalidForm -> "Correct the marked fields."
                is CoreError.Refused -> "The network refused the address or password. Check them and try again."
                is CoreError.Unreachable -> "The gateway could not be reached. Check the address and your connection."
                is CoreError.RateLimited ->
                    "Too many sign-in attempts. Try again in ${error.retryAfterSecs ?: 60uL} seconds."
                is CoreError.CoreMissing -> "The app's core could not be loaded. Reinstall the app."
                else -> "Sign-in failed: ${error.message}"
            }

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

/** The launcher's view ids (the UI is built in code; there is no layout resource yet). */
object ViewIds {
    const val GATEWAY = 1001
    const val ADDRESS = 1002
    const val PASSWORD = 1003
    const val SIGN_IN = 1004
    const val STATUS = 1005
    const val SIP = 1006
}
