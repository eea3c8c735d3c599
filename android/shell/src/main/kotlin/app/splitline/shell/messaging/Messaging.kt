package app.splitline.shell.messaging

import app.splitline.shell.account.Account
import app.splitline.shell.core.coreResult

/** The account's messaging objects: contacts, the chat list, one chat, rooms. */
class Messaging(private val account: Account) {
    /** The contacts, requests and own presence. */
    val contacts: ContactBook by lazy { ContactBook(account.client.contacts()) }

    /** The chat list. */
    val chats: ChatList by lazy { ChatList(account.client.chats()) }

    /** The rooms. */
    val rooms: RoomDirectory by lazy { RoomDirectory(account.client.rooms()) }

    /** The chat with [peer]; `Invalid` for an address that is not `user@domain`. Close it with its screen. */
    fun timeline(peer: String): Result<ChatTimeline> = coreResult { ChatTimeline(account.client.timeline(peer)) }
}
