package app.splitline.shell.messaging

import app.splitline.shell.account.Account
import app.splitline.shell.account.Connection
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** The settings screen: the connection, the user's own presence, and whether the user signed off. */
data class SettingsState(
    val connection: Connection = Connection.Stopped(null),
    val presence: Presence = Presence.AVAILABLE,
    val status: String? = null,
    val signedOff: Boolean = false,
)

/** Settings: own presence and signing off (the call settings are the calls screen's). */
class SettingsPresenter(
    private val account: Account,
    private val book: ContactBook,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : Presenter(scope, io) {
    private val states = MutableStateFlow(SettingsState())

    /** What the screen shows. */
    val state: StateFlow<SettingsState> = states.asStateFlow()

    /** The presences the user may choose (offline is signing off). */
    val choices: List<Presence> = Presence.entries.filter { it != Presence.OFFLINE }

    init {
        follow(account.connections) { c -> states.update { it.copy(connection = c) } }
        follow(book.requests) { r -> states.update { it.copy(presence = r.ownPresence, status = r.ownStatus) } }
    }

    /** Sets the own presence with an optional status text; it goes out once online. */
    fun setPresence(presence: Presence, status: String?) {
        if (presence == Presence.OFFLINE) return complain("To appear offline, sign off.")
        perform({ book.setPresence(presence, status?.trim()) })
    }

    /** Ends the session at the gateway; the chats stay on this phone. */
    fun signOff() = perform({ account.signOff() }) { states.update { it.copy(signedOff = true) } }
}
