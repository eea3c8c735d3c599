package app.splitline.android.device

import app.splitline.android.SplitlineApp
import app.splitline.android.idleUntil
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.account.Connection
import app.splitline.shell.device.StoredCredentials
import app.splitline.testsupport.TestNetwork
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment

/** At process start the stored account is opened and signed in with the decrypted password. */
@RunWith(RobolectricTestRunner::class)
class AccountStarterTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val cipher = SoftwareCipher()

    @After
    fun tearDown() {
        app.account?.let { runBlocking { it.signOff() } }
        app.adopt(null)
        CredentialStore.cipher = { KeystoreCipher() }
    }

    private fun store(password: String) {
        val ivan = TestNetwork.account("ivan")
        val settings = AccountSettings(listOf(TestNetwork.gateway), ivan.address, "robolectric-start", AccountStarter.BUILD_ID)
        CredentialStore.cipher = { cipher }
        CredentialStore(app).save(StoredCredentials.seal(settings, password, cipher))
    }

    @Test
    fun theStoredAccountIsOpenedAndSignsInAtStart() {
        store(TestNetwork.account("ivan").password)
        AccountStarter.onCreate(app)
        assertEquals(TestNetwork.account("ivan").address, CredentialStore(app).load()?.address)
        idleUntil("ivan online") { app.account?.connection() == Connection.Online }
    }

    @Test
    fun aPasswordSealedWithAnotherKeyIsForgottenSoSetupAsksAgain() {
        store(TestNetwork.account("ivan").password)
        CredentialStore.cipher = { SoftwareCipher() }
        AccountStarter.onCreate(app)
        assertNull(app.account)
        assertNull(CredentialStore(app).load())
    }
}
