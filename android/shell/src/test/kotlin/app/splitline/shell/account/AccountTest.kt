package app.splitline.shell.account

import app.splitline.shell.core.CoreError
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** The account against the real core, gateway and Prosody (android/test.sh). */
class AccountTest {
    private val alice = TestNetwork.account("alice")

    private fun open(address: String): Account =
        Account.open(
            Files.createTempDirectory("account").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), address, "shell-test", "shell-test"),
        ).getOrThrow()

    @Test
    fun aWrongPasswordIsRefusedThenTheRightOneGoesOnline() = runBlocking {
        open(alice.address).use { account ->
            assertEquals(Connection.Stopped(null), account.connection())
            val refused = account.signIn("not-${alice.password}", 10u).exceptionOrNull()
            assertTrue("refused: $refused", refused is CoreError.Refused)

            account.signIn(alice.password, 20u).getOrThrow()
            withTimeout(20_000) { account.connections.first { it == Connection.Online } }
            account.signOff().getOrThrow()
            assertEquals(Connection.Stopped(null), withTimeout(20_000) { account.connections.first { it !is Connection.Online } })
        }
    }

    @Test
    fun aBadAddressIsInvalidBeforeAnythingIsSent() {
        val error = Account.open(
            Files.createTempDirectory("account").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), "not an address", "shell-test", "shell-test"),
        ).exceptionOrNull()
        assertTrue("invalid: $error", error is CoreError.Invalid)
    }
}
