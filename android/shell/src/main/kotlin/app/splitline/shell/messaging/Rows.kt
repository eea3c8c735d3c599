package app.splitline.shell.messaging

/** How available someone is, as the screens show it. */
enum class Presence {
    /** Online. */
    AVAILABLE,

    /** Online and eager to chat. */
    CHAT,

    /** Away. */
    AWAY,

    /** Away for long. */
    EXTENDED_AWAY,

    /** Do not disturb. */
    DO_NOT_DISTURB,

    /** Not online. */
    OFFLINE,
}

/** A contact with presence. [pending]: the contact has not accepted yet. */
data class Contact(
    val address: String,
    val name: String?,
    val presence: Presence,
    val status: String?,
    val pending: Boolean,
) {
    /** The name the user gave, else the address. */
    val shownName: String get() = name?.takeIf { it.isNotBlank() } ?: address
}

/** Who asks to see the user's presence (oldest first), and the user's own presence. */
data class Requests(val from: List<String>, val ownPresence: Presence, val ownStatus: String?)

/** Where a message is. */
enum class MessageState {
    /** Written, waiting for the gateway (offline, or not sent yet). */
    QUEUED,

    /** The network has it. */
    SENT,

    /** It reached the recipient (incoming messages are delivered). */
    DELIVERED,

    /** The recipient saw it. */
    READ,

    /** It cannot be sent. */
    FAILED,
}

/**
 * A row of a chat: a message, or (when [isGap]) a notice that messages from
 * around [timestampMs] may be missing because the archive no longer had them.
 * [fromStranger]: sent by someone who is not a contact (a message request).
 */
data class Message(
    val id: Long,
    val peer: String,
    val outgoing: Boolean,
    val sender: String,
    val body: String,
    val timestampMs: Long,
    val state: MessageState,
    val isGap: Boolean,
    val fromStranger: Boolean,
)

/** A chat in the chat list: with a contact, or a room's (then [roomName] is set). */
data class ChatSummary(
    val peer: String,
    val roomName: String?,
    val unread: Int,
    val lastMessage: Message?,
    val lastActivityMs: Long,
) {
    /** Whether this is a group chat. */
    val isRoom: Boolean get() = roomName != null
}

/** A room the user is in. */
data class Room(val address: String, val name: String)

/** What a member is to a room. */
enum class RoomRole {
    /** Created or owns the room. */
    OWNER,

    /** Administers it. */
    ADMIN,

    /** May enter and post. */
    MEMBER,
}

/** One member of a room. */
data class RoomMember(val address: String, val role: RoomRole)

/** Where paging back into a chat's history stopped. */
sealed class HistoryEnd {
    /** Older messages may follow. */
    data object More : HistoryEnd()

    /** The chat's first message is shown. */
    data object Beginning : HistoryEnd()

    /** The archive could not be read now; what the store holds is shown. [reason] says why. */
    data class Unavailable(val reason: String) : HistoryEnd()
}
