package app.splitline.shell.messaging

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.account.Connection
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout

/** One test account opened on a fresh store and signed in to the test network, with a scope for its presenters. */
class SignedIn private constructor(val name: String, val account: Account) : AutoCloseable {
    val address: String = TestNetwork.account(name).address
    val messaging = Messaging(account)
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** Signs in (again) and waits until online. */
    suspend fun signIn() {
        account.signIn(TestNetwork.account(name).password, 20u).getOrThrow()
        withTimeout(WAIT_MS) { account.connections.first { it == Connection.Online } }
    }

    override fun close() {
        scope.cancel()
        account.close()
    }

    companion object {
        const val WAIT_MS = 30_000L

        /** [name]'s account on a new store (a new device), signed in. */
        suspend fun open(name: String): SignedIn {
            val account = Account.open(
                Files.createTempDirectory("messaging-$name").toFile(),
                AccountSettings(listOf(TestNetwork.gateway), TestNetwork.account(name).address, "messaging-test-$name", "shell-test"),
            ).getOrThrow()
            return SignedIn(name, account).also { it.signIn() }
        }
    }
}

/** The first value of this flow that satisfies [test], within the test's wait. */
suspend fun <T> Flow<T>.await(what: String, test: (T) -> Boolean): T =
    try {
        withTimeout(SignedIn.WAIT_MS) { first(test) }
    } catch (e: kotlinx.coroutines.TimeoutCancellationException) {
        throw AssertionError("timed out waiting for $what", e)
    }
