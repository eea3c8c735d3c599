package app.splitline.shell.messaging

import app.splitline.shell.account.Account
import app.splitline.shell.account.Connection
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** The home screen: the connection in words, and the unread messages in all chats. */
data class HomeState(val connection: String = describe(Connection.Stopped(null)), val unread: Int = 0)

/** Holds the home screen's state while [scope] lives. */
class HomePresenter(account: Account, chats: ChatList, scope: CoroutineScope) : Presenter(scope) {
    private val states = MutableStateFlow(HomeState())

    /** What the screen shows. */
    val state: StateFlow<HomeState> = states.asStateFlow()

    init {
        follow(account.connections) { c -> states.update { it.copy(connection = describe(c)) } }
        follow(chats.rows().rows) { rows -> states.update { it.copy(unread = rows.sumOf { r -> r.unread }) } }
    }
}

/** The connection as the user reads it. */
fun describe(connection: Connection): String =
    when (connection) {
        Connection.Online -> "Online"
        Connection.Connecting -> "Connecting…"
        Connection.PasswordRefused -> "The network refused your password: sign in again."
        is Connection.Stopped ->
            connection.reason?.let { "Not syncing: $it" } ?: "Not signed in: messages you write wait until you are."
    }
