package app.splitline.android.messaging

/** The messaging screens' view ids (the UI is built in code). */
object MessagingIds {
    const val SCROLL = 2000
    const val CONNECTION = 2001
    const val PROBLEM = 2002
    const val LIST = 2003
    const val CHATS = 2010
    const val CONTACTS = 2011
    const val DIALER = 2012
    const val SETTINGS = 2013
    const val ADDRESS = 2020
    const val NAME = 2021
    const val ADD = 2022
    const val REQUESTS = 2023
    const val MARK_ALL_VIEWED = 2030
    const val NEW_GROUP = 2031
    const val MESSAGE = 2040
    const val SEND = 2041
    const val OLDER = 2042
    const val CLOSE_CHAT = 2043
    const val GROUP_ADMIN = 2044
    const val MEMBERS = 2050
    const val CREATE = 2051
    const val RENAME = 2052
    const val MEMBER = 2053
    const val ADD_MEMBER = 2054
    const val LEAVE = 2055
    const val PRESENCE = 2060
    const val STATUS = 2061
    const val SET_PRESENCE = 2062
    const val CALL_SETTINGS = 2063
    const val PHONE_CONTACTS = 2065
    const val SIGN_OFF = 2064
    const val PUSH = 2066
}
