package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.account.Connection
import app.splitline.shell.signin.FormProblem
import app.splitline.shell.signin.SignInForm
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Setup through a real sign-in against the test network (android/test.sh). */
class SetupPresenterTest {
    private var stored: StoredCredentials? = null
    private var adopted: Account? = null
    private val cipher = TestCipher()

    private fun presenter(timeoutSecs: UInt = 20u) =
        SetupPresenter(
            Files.createTempDirectory("setup").toFile(),
            "device-test",
            "shell-test",
            cipher,
            store = { stored = it },
            onSignedIn = { adopted = it },
            timeoutSecs = timeoutSecs,
        )

    @Test
    fun ivanSignsInAndHisCredentialsAreStoredWithThePasswordSealed() = runBlocking {
        val ivan = TestNetwork.account("ivan")
        val setup = presenter()
        val end = setup.submit(SignInForm(TestNetwork.gateway, ivan.address, ivan.password))
        assertEquals(SetupState.SignedIn(ivan.address), end)
        assertEquals(end, setup.state.value)

        val credentials = stored ?: error("nothing stored")
        assertEquals(ivan.address, credentials.address)
        assertEquals(listOf(TestNetwork.gateway), credentials.gatewayEndpoints)
        assertEquals("device-test", credentials.deviceId)
        assertEquals(ivan.password, credentials.password(cipher).getOrThrow())
        assertFalse(credentials.toEntries().values.any { it.contains(ivan.password) })
        assertEquals(credentials.address, StoredCredentials.fromEntries(credentials.toEntries()::get)?.address)

        val account = adopted ?: error("nothing adopted")
        assertEquals(Connection.Online, account.connection())
        account.signOff().getOrThrow()
        account.close()
    }

    @Test
    fun judyWithAWrongPasswordIsRefusedInPlainWordsAndNothingIsStored() = runBlocking {
        val judy = TestNetwork.account("judy")
        val end = presenter().submit(SignInForm(TestNetwork.gateway, judy.address, "not-${judy.password}"))
        assertEquals(SetupState.Refused("The network refused this address or password. Check them and try again."), end)
        assertNull(stored)
        assertNull(adopted)
    }

    @Test
    fun anUnreachableGatewaySaysSoAndStoresNothing() = runBlocking {
        val judy = TestNetwork.account("judy")
        val end = presenter(timeoutSecs = 3u).submit(SignInForm("http://127.0.0.1:9", judy.address, judy.password))
        assertTrue("unreachable: $end", end is SetupState.Unreachable && end.message.startsWith("The gateway could not be reached"))
        assertNull(stored)
    }

    @Test
    fun anIncompleteFormStaysInEditingWithItsProblems() = runBlocking {
        val end = presenter().submit(SignInForm("", "judy", ""))
        assertEquals(
            SetupState.Editing(listOf(FormProblem.GATEWAY_URL_MISSING, FormProblem.ADDRESS_INVALID, FormProblem.PASSWORD_MISSING)),
            end,
        )
        assertNull(stored)
    }

    @Test
    fun aStoredPasswordThatCannotBeDecryptedIsUnreadable() {
        val settings = AccountSettings(listOf("https://g.example"), "a@b", "d", "b")
        val sealed = StoredCredentials.seal(settings, "pw", cipher)
        val broken = object : PasswordCipher {
            override fun seal(plain: ByteArray) = plain

            override fun open(sealed: ByteArray): ByteArray = throw IllegalStateException("key gone")
        }
        assertTrue(sealed.password(broken).exceptionOrNull() is CredentialsUnreadable)
    }
}
