package app.splitline.shell.messaging

import app.splitline.shell.account.Connection
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Test

/** Settings through a real sign-in (bob): own presence, then signing off. */
class SettingsPresenterTest {
    @Test
    fun ownPresenceIsSetThenSigningOffStopsTheConnection() = runBlocking {
        SignedIn.open("bob").use { bob ->
            val settings = SettingsPresenter(bob.account, bob.messaging.contacts, bob.scope)
            settings.state.await("online") { it.connection == Connection.Online }
            assertEquals(
                listOf(Presence.AVAILABLE, Presence.CHAT, Presence.AWAY, Presence.EXTENDED_AWAY, Presence.DO_NOT_DISTURB),
                settings.choices,
            )

            settings.setPresence(Presence.OFFLINE, null)
            assertEquals("To appear offline, sign off.", settings.problem.value)
            settings.setPresence(Presence.AWAY, " At lunch ")
            settings.state.await("away") { it.presence == Presence.AWAY && it.status == "At lunch" }

            settings.signOff()
            val off = settings.state.await("signed off") { it.signedOff && it.connection is Connection.Stopped }
            assertEquals("Not signed in: messages you write wait until you are.", describe(off.connection))
        }
    }
}
