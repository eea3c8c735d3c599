package app.splitline.shell.signin

import java.io.File
import uniffi.splitline_bindings.ClientConfig
import uniffi.splitline_bindings.SplitlineClient
import uniffi.splitline_bindings.SplitlineException

/** Why a sign-in failed, in the app's terms (the generated types stay in this package). */
sealed class SignInError(message: String) : Exception(message) {
    /** The form has problems; nothing was sent. */
    class InvalidForm(val problems: List<FormProblem>) : SignInError("the form has problems: $problems")

    /** The network refused the address or password. */
    class Refused(details: String) : SignInError(details)

    /** The gateway could not be reached. */
    class Unreachable(details: String) : SignInError(details)

    /** The gateway asks to wait [retryAfterSecs] seconds (none if it did not say). */
    class RateLimited(details: String, val retryAfterSecs: ULong?) : SignInError(details)

    /** The core's native library could not be loaded (a broken install). */
    class CoreMissing(details: String) : SignInError(details)

    /** Anything else: the local store, a bad argument, a bug. */
    class Failed(details: String) : SignInError(details)
}

/** A signed-in account. Close it to free the core's client. */
class Session internal constructor(private val client: SplitlineClient) : AutoCloseable {
    /** Signs off at the gateway. */
    suspend fun signOff(): Result<Unit> = runCatchingCore { client.signOff() }

    override fun close() = client.close()
}

/**
 * Signs in through the core (the bindings' `SplitlineClient.signIn`). The
 * store lives in [storeDir]; [deviceId] names this installation.
 */
class SignIn(
    private val storeDir: File,
    private val deviceId: String,
    private val buildId: String,
) {
    suspend fun signIn(form: SignInForm, timeoutSecs: UInt = 20u): Result<Session> {
        val problems = form.problems()
        if (problems.isNotEmpty()) return Result.failure(SignInError.InvalidForm(problems))
        return runCatchingCore {
            // The password is no part of the config: it goes to signIn only.
            val config = ClientConfig(
                storePath = File(storeDir, "splitline.db").path,
                gatewayEndpoints = listOf(form.gatewayUrl.trim()),
                extraRootPem = null,
                jid = form.address.trim(),
                deviceId = deviceId,
                buildId = buildId,
            )
            val client = SplitlineClient(config)
            try {
                client.signIn(form.password, timeoutSecs)
                Session(client)
            } catch (e: Throwable) {
                client.close()
                throw e
            }
        }
    }
}

/** Runs a call into the core, mapping its exceptions to [SignInError]. */
internal inline fun <T> runCatchingCore(block: () -> T): Result<T> =
    try {
        Result.success(block())
    } catch (e: SplitlineException) {
        Result.failure(
            when (e) {
                is SplitlineException.AuthFailed -> SignInError.Refused(e.details)
                is SplitlineException.Offline -> SignInError.Unreachable(e.details)
                is SplitlineException.RateLimited -> SignInError.RateLimited(e.details, e.retryAfterSecs)
                is SplitlineException.NotFound -> SignInError.Failed(e.details)
                is SplitlineException.Forbidden -> SignInError.Failed(e.details)
                is SplitlineException.Invalid -> SignInError.Failed(e.details)
                is SplitlineException.Storage -> SignInError.Failed(e.details)
                is SplitlineException.CallNotPossible -> SignInError.Failed(e.details)
                is SplitlineException.Internal -> SignInError.Failed(e.details)
            },
        )
    } catch (e: LinkageError) {
        // JNA's UnsatisfiedLinkError, or the bindings' class failing to
        // initialise because of it (ExceptionInInitializerError and later
        // NoClassDefFoundError).
        Result.failure(SignInError.CoreMissing(e.toString()))
    }
