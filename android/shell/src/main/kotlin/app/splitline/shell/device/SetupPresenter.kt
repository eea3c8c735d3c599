package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.core.CoreError
import app.splitline.shell.signin.FormProblem
import app.splitline.shell.signin.SignIn
import app.splitline.shell.signin.SignInForm
import app.splitline.shell.signin.problems
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

/** Where first-run setup is. */
sealed class SetupState {
    /** The form is shown; [problems] are the fields to correct (none at first). */
    data class Editing(val problems: List<FormProblem> = emptyList()) : SetupState()

    /** The form was sent; the core is signing in. */
    data object SigningIn : SetupState()

    /** Signed in as [address]; the credentials are stored. */
    data class SignedIn(val address: String) : SetupState()

    /** The network refused the address or password (or asked to wait); [message] says so in plain words. Nothing is stored. */
    data class Refused(val message: String) : SetupState()

    /** The gateway could not be reached, or something else failed; [message] says what to do. Nothing is stored. */
    data class Unreachable(val message: String) : SetupState()
}

/**
 * First-run setup: the sign-in form's checks ([problems]), a real sign-in
 * through [SignIn], and on success the credentials sealed with [cipher] and
 * handed to [store] (on failure nothing is). The signed-in account goes to
 * [onSignedIn], which adopts it into the app. [timeoutSecs] bounds the sign-in.
 */
class SetupPresenter(
    storeDir: File,
    private val deviceId: String,
    private val buildId: String,
    private val cipher: PasswordCipher,
    private val store: (StoredCredentials) -> Unit,
    private val onSignedIn: (Account) -> Unit,
    private val timeoutSecs: UInt = 20u,
) {
    private val signIn = SignIn(storeDir, deviceId, buildId)
    private val current = MutableStateFlow<SetupState>(SetupState.Editing())

    /** The state now, then at each change. */
    val state: StateFlow<SetupState> = current.asStateFlow()

    /** Checks [form], signs in, and on success stores the credentials. Returns the state it ends in. */
    suspend fun submit(form: SignInForm): SetupState {
        val problems = form.problems()
        if (problems.isNotEmpty()) return move(SetupState.Editing(problems))
        if (current.value == SetupState.SigningIn) return current.value
        move(SetupState.SigningIn)
        // Opening the store, the sign-in and writing the credentials are blocking work: off the caller's thread.
        val result = withContext(Dispatchers.IO) { signIn.signIn(form, timeoutSecs) }
        val account = result.getOrElse { return move(failed(it)) }
        val sealed = withContext(Dispatchers.IO) {
            runCatching {
                val settings = AccountSettings(listOf(form.gatewayUrl.trim()), form.address.trim(), deviceId, buildId)
                StoredCredentials.seal(settings, form.password, cipher).also(store)
            }
        }
        sealed.onFailure {
            account.close()
            return move(SetupState.Unreachable("The password could not be stored securely on this phone: ${it.message}."))
        }
        onSignedIn(account)
        return move(SetupState.SignedIn(form.address.trim()))
    }

    /** Back to the form after a failure (the user edits a field). */
    fun edit() {
        if (current.value !is SetupState.SigningIn) current.value = SetupState.Editing()
    }

    private fun move(state: SetupState): SetupState = state.also { current.value = it }

    private fun failed(error: Throwable): SetupState =
        when (error) {
            is CoreError.Refused -> SetupState.Refused("The network refused this address or password. Check them and try again.")
            is CoreError.RateLimited ->
                SetupState.Refused("Too many sign-in attempts. Try again in ${error.retryAfterSecs ?: 60uL} seconds.")
            is CoreError.Unreachable ->
                SetupState.Unreachable("The gateway could not be reached. Check its address and your connection, then try again.")
            is CoreError.Invalid -> SetupState.Refused("The gateway or address is not valid: ${error.message}")
            is CoreError.CoreMissing -> SetupState.Unreachable("The app's core could not be loaded. Reinstall the app.")
            else -> SetupState.Unreachable("Setup failed: ${error.message}")
        }
}
