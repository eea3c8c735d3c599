package app.splitline.shell.signin

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import java.io.File

/** The form has problems; nothing was sent. Other failures are `CoreError`s. */
class InvalidForm(val problems: List<FormProblem>) : Exception("the form has problems: $problems")

/**
 * The first-run sign-in: checks the form, opens the account over the store
 * in [storeDir] and signs in. [deviceId] names this installation.
 */
class SignIn(
    private val storeDir: File,
    private val deviceId: String,
    private val buildId: String,
) {
    /**
     * The signed-in account; or [InvalidForm], or the core's `CoreError`
     * (then nothing stays open).
     */
    suspend fun signIn(form: SignInForm, timeoutSecs: UInt = 20u): Result<Account> {
        val problems = form.problems()
        if (problems.isNotEmpty()) return Result.failure(InvalidForm(problems))
        val settings = AccountSettings(
            gatewayEndpoints = listOf(form.gatewayUrl.trim()),
            address = form.address.trim(),
            deviceId = deviceId,
            buildId = buildId,
        )
        // The password is no part of the settings: it goes to signIn only.
        return Account.open(storeDir, settings).mapCatching { account ->
            account.signIn(form.password, timeoutSecs).onFailure { account.close() }.getOrThrow()
            account
        }
    }
}
